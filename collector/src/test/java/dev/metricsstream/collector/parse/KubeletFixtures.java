package dev.metricsstream.collector.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real kubelet captures copied into this module's test resources (see PROVENANCE.md in the shared folder). */
final class KubeletFixtures {
    static final String DIR = "fixtures/kubelet/";

    private KubeletFixtures() {
    }

    static InputStream open(String name) {
        InputStream in = KubeletFixtures.class.getClassLoader().getResourceAsStream(DIR + name);
        if (in == null) {
            throw new IllegalArgumentException("no fixture " + name);
        }
        return in;
    }

    static byte[] bytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> all() {
        URL url = KubeletFixtures.class.getClassLoader().getResource(DIR);
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
