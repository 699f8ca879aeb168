package dev.metricsstream.collector.parse;

import dev.metricsstream.testkit.kubelet.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kubelet capture is read by a parser: none is silently left out. */
class FixtureCoverageTest {
    @Test
    void every_kubelet_capture_parses_without_a_single_bad_line() throws IOException {
        List<String> files = Fixtures.list();
        List<String> checked = new ArrayList<>();
        for (String file : files) {
            ParseProblems problems = new ParseProblems();
            try (InputStream in = Fixtures.open(file)) {
                if (file.endsWith(".prom")) {
                    long[] samples = {0};
                    new PrometheusTextParser(null).parse(in, (n, l, v, t) -> samples[0]++, problems);
                    assertTrue(samples[0] > 10, file + " has samples");
                } else if (file.startsWith("stats-summary_")) {
                    DecodeResult result = new SummaryDecoder().decode(in, "any", 0);
                    assertTrue(result.usable(), file);
                    result.problems().byReason().forEach((reason, count) -> {
                        if (!reason.equals("node_name_mismatch")) {
                            problems.count(reason, null);
                        }
                    });
                } else if (file.startsWith("metrics-api_")) {
                    // metrics.k8s.io answers (what the gateway serves), not kubelet output: not the collector's input
                    assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("\"kind\""));
                } else {
                    throw new AssertionError("a capture no test reads: " + file);
                }
            }
            assertTrue(problems.isEmpty(), () -> file + ": " + problems);
            checked.add(file);
        }
        assertEquals(14, checked.size(), "2 metrics/resource, 2 cadvisor excerpts, 5 summaries, 5 metrics.k8s.io");
    }

    @Test
    void the_cadvisor_excerpts_decode_through_the_resource_decoder_families() throws IOException {
        // cAdvisor shares container_cpu_usage_seconds_total with /metrics/resource; the seam for a later source
        DecodeResult result = new ResourceMetricsDecoder().decode(
                Fixtures.open("cadvisor-excerpt_k8s-1.35.0_containerd-2.2.1_kind.prom"), "n", 1);
        assertTrue(result.scrape().getPods().size() > 5);
    }
}
