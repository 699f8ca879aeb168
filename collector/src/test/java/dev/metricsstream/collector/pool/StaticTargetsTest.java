package dev.metricsstream.collector.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticTargetsTest {
    @TempDir
    Path dir;

    @Test
    void a_targets_file_has_one_name_url_pair_per_line_with_comments_and_blank_lines() throws Exception {
        Path file = Files.writeString(dir.resolve("kubelets"), String.join("\n",
                "# fleet east",
                "",
                "node-a=https://10.0.0.1:10250",
                "  node-b = https://[fd00::2]:10250   # the IPv6 one",
                "node-c=http://127.0.0.1:10255/"));
        StaticTargets.Parsed parsed = StaticTargets.readFile(file);
        assertEquals(List.of(), parsed.problems());
        assertEquals(List.of(new ScrapeTarget("node-a", URI.create("https://10.0.0.1:10250")),
                new ScrapeTarget("node-b", URI.create("https://[fd00::2]:10250")),
                new ScrapeTarget("node-c", URI.create("http://127.0.0.1:10255/"))), parsed.targets());
    }

    @Test
    void every_bad_line_is_reported_with_its_number_and_the_good_ones_are_kept() {
        StaticTargets.Parsed parsed = StaticTargets.parseLines(List.of(
                "node-a=https://10.0.0.1:10250",
                "just-a-name",
                "=https://10.0.0.2:10250",
                "node-d=10.0.0.4:10250",
                "node-e=ftp://10.0.0.5",
                "node-a=https://10.0.0.6:10250"), "kubelets.txt");
        assertEquals(1, parsed.targets().size());
        assertEquals(5, parsed.problems().size(), parsed.problems().toString());
        assertTrue(parsed.problems().get(0).startsWith("kubelets.txt line 2 "), parsed.problems().get(0));
        assertTrue(parsed.problems().get(4).contains("line 6 repeats node name 'node-a'"), parsed.problems().get(4));
    }
}
