package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class FixturesTest {

    @Test
    void every_fixture_is_byte_identical_to_the_checksum_in_its_provenance() throws NoSuchAlgorithmException {
        List<Fixtures.Entry> entries = Fixtures.entries();
        assertEquals(14, entries.size(), "PROVENANCE.md lists 14 captures");
        for (Fixtures.Entry entry : entries) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Fixtures.bytes(entry.name()));
            assertEquals(entry.sha256Prefix(), HexFormat.of().formatHex(digest).substring(0, 16), entry.name());
        }
    }

    @Test
    void the_resource_folder_holds_exactly_the_listed_files_and_the_provenance() throws IOException,
            URISyntaxException {
        URL folder = Fixtures.class.getResource(Fixtures.RESOURCE_DIR);
        Assumptions.assumeTrue(folder != null && "file".equals(folder.getProtocol()),
                "fixtures are inside a jar here; the folder listing is checked in the testkit module itself");
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            onDisk = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> expected = new TreeSet<>(Fixtures.list());
        expected.add(Fixtures.PROVENANCE);
        assertEquals(expected, onDisk);
    }

    @Test
    void list_by_prefix_finds_the_two_resource_metrics_captures_and_five_summaries() {
        assertEquals(2, Fixtures.list("metrics-resource_").size());
        assertEquals(5, Fixtures.list("stats-summary_").size());
        assertTrue(Fixtures.read("metrics-resource_kind-e2e_2021-10_70pods.prom").strip().endsWith("scrape_error 0"));
    }

    @Test
    void an_unknown_or_path_like_name_is_refused_with_a_clear_error() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.read("nope.json"));
        assertTrue(unknown.getMessage().contains("nope.json"));
        assertThrows(IllegalArgumentException.class, () -> Fixtures.read("../PROVENANCE.md"));
    }
}
