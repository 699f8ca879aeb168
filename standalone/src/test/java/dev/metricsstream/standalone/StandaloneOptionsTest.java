package dev.metricsstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneOptionsTest {
    @TempDir
    Path dir;

    @Test
    void no_flags_give_the_simulated_fleet_on_the_usual_ports_with_the_embedded_broker() throws Exception {
        StandaloneOptions options = StandaloneOptions.parse(new String[0], dir);

        assertEquals(dir.toAbsolutePath(), options.workDir());
        assertEquals(3, options.nodes());
        assertEquals(20, options.podsPerNode());
        assertEquals(8443, options.httpsPort());
        assertEquals(8080, options.httpPort());
        assertEquals(Duration.ofSeconds(15), options.resolution());
        assertTrue(options.simulated());
        assertTrue(options.embeddedKafka());
    }

    @Test
    void flags_are_read_with_a_space_or_an_equals_sign() throws Exception {
        StandaloneOptions options = StandaloneOptions.parse(new String[] {"--nodes=5", "--pods-per-node", "7",
            "--kafka", "broker-1:9092,broker-2:9092", "--resolution", "30s", "--http-port", "0"}, dir);

        assertEquals(5, options.nodes());
        assertEquals(7, options.podsPerNode());
        assertEquals("broker-1:9092,broker-2:9092", options.kafka());
        assertEquals(Duration.ofSeconds(30), options.resolution());
        assertEquals(0, options.httpPort());
    }

    @Test
    void every_problem_is_reported_at_once() {
        UsageException e = assertThrows(UsageException.class, () -> StandaloneOptions.parse(new String[] {
            "--nodes", "0", "--resolution", "5s", "--kafka", "nope", "--https-port", "8080", "--token-file", "x",
            "--frob"}, dir));

        String message = e.getMessage();
        assertTrue(message.contains("--nodes must be between 1 and 500"), message);
        assertTrue(message.contains("--resolution must be between 10s and 10m"), message);
        assertTrue(message.contains("--kafka must be HOST:PORT"), message);
        assertTrue(message.contains("--http-port and --https-port must differ"), message);
        assertTrue(message.contains("--token-file needs --kubelet or --kubelets"), message);
        assertTrue(message.contains("unknown flag --frob"), message);
        assertTrue(!message.contains("\n"), "one line: " + message);
    }

    @Test
    void a_real_kubelet_needs_a_token_file_and_takes_its_node_name_from_the_url() throws Exception {
        assertThrows(UsageException.class, () -> StandaloneOptions.parse(
                new String[] {"--kubelet", "https://10.0.0.5:10250"}, dir));
        Path token = Files.writeString(dir.resolve("token"), "t");

        StandaloneOptions options = StandaloneOptions.parse(new String[] {"--kubelet", "https://10.0.0.5:10250",
            "--token-file", token.toString()}, dir);

        assertEquals(URI.create("https://10.0.0.5:10250"), options.kubeletUrl());
        assertEquals("10.0.0.5", options.nodeName());
        assertEquals(false, options.simulated());
        assertNull(options.kubeletCaFile());
    }

    @Test
    void a_kubelets_file_lists_name_equals_url_lines_skipping_comments_and_blank_lines() throws Exception {
        Path list = Files.writeString(dir.resolve("kubelets"), "# lab\nnode-a = https://10.0.0.1:10250\n\n"
                + "node-b=https://10.0.0.2:10250\n");
        Path token = Files.writeString(dir.resolve("token"), "t");

        StandaloneOptions options = StandaloneOptions.parse(new String[] {"--kubelets", list.toString(),
            "--token-file", token.toString()}, dir);

        assertEquals(Map.of("node-a", URI.create("https://10.0.0.1:10250"),
                "node-b", URI.create("https://10.0.0.2:10250")), options.kubeletTargets());
    }

    @Test
    void a_kubelets_file_with_a_bad_line_names_the_line() throws Exception {
        Path list = Files.writeString(dir.resolve("kubelets"), "node-a=https://10.0.0.1:10250\njust-a-name\n");
        Path token = Files.writeString(dir.resolve("token"), "t");

        UsageException e = assertThrows(UsageException.class, () -> StandaloneOptions.parse(
                new String[] {"--kubelets", list.toString(), "--token-file", token.toString()}, dir));

        assertTrue(e.getMessage().contains("line 2 'just-a-name' must be name=https://host:port"), e.getMessage());
    }

    @Test
    void the_flags_table_of_the_readme_lists_exactly_the_flags_of_the_usage_text() throws Exception {
        java.util.regex.Pattern flag = java.util.regex.Pattern.compile("^\\s+(--[a-z-]+)", java.util.regex.Pattern.MULTILINE);
        java.util.Set<String> usage = new java.util.TreeSet<>();
        java.util.regex.Matcher m = flag.matcher(StandaloneOptions.USAGE);
        while (m.find()) {
            usage.add(m.group(1));
        }
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Flags"), readme.indexOf("\n## ", readme.indexOf("## Flags")));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("^\\| `(--[a-z-]+)", java.util.regex.Pattern.MULTILINE)
                .matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }
        org.junit.jupiter.api.Assertions.assertTrue(usage.size() > 10, usage.toString());
        org.junit.jupiter.api.Assertions.assertEquals(usage, documented, "standalone/README.md's flags table");
    }
}
