package dev.metricsstream.gateway.prom;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.nodeWindow;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageExpositionTest {
    private static final long NOW = 1_800_000_000_000L;

    private final InMemoryMetricsStore store = new InMemoryMetricsStore()
            .putNode(node("n1", NOW - 10_000, 487_558_164L, 749_785_088L))
            .putNode(node("gone", NOW - 46_000, 1L, 1L))
            .putPod(pod("shop", "web-1", "n1", Map.of(), NOW - 9_000,
                    container("nginx", 120_000_000L, 1000L), container("envoy", 30_000_000L, 24L)))
            .putPod(pod("we\"ird", "p\\1", "n1", Map.of(), NOW - 9_000, container("c", 1L, 1L)))
            .putPod(pod("shop", "stale", "n1", Map.of(), NOW - 60_000, container("c", 1L, 1L)))
            .putWindow(podWindow("shop", "web-1", "n1", 60_000, NOW - 30_000))
            .putWindow(podWindow("shop", "web-1", "n1", 3_600_000, NOW - 3_700_000))
            .putWindow(nodeWindow("n1", 300_000, NOW - 10_000));

    private String write(UsageExposition.Format format) throws Exception {
        StringWriter out = new StringWriter();
        new UsageExposition(store, new Freshness(Duration.ofSeconds(45))).write(out, format, NOW);
        return out.toString();
    }

    @Test
    void text_format_has_node_pod_and_container_series_with_sample_timestamps() throws Exception {
        String text = write(UsageExposition.Format.TEXT);

        List<String> lines = text.lines().toList();
        assertTrue(lines.contains("metrics_stream_node_cpu_usage_cores{node=\"n1\"} 0.487558164 " + (NOW - 10_000)), text);
        assertTrue(lines.contains("metrics_stream_node_memory_working_set_bytes{node=\"n1\"} 749785088 " + (NOW - 10_000)));
        assertTrue(lines.contains("metrics_stream_pod_cpu_usage_cores{namespace=\"shop\",pod=\"web-1\",node=\"n1\"} 0.15 "
                + (NOW - 9_000)));
        assertTrue(lines.contains("metrics_stream_pod_memory_working_set_bytes{namespace=\"shop\",pod=\"web-1\",node=\"n1\"} 1024 "
                + (NOW - 9_000)));
        assertTrue(lines.contains("metrics_stream_container_memory_working_set_bytes{namespace=\"shop\",pod=\"web-1\","
                + "container=\"envoy\",node=\"n1\"} 24 " + (NOW - 9_000)));
        assertTrue(lines.contains("# TYPE metrics_stream_container_cpu_usage_cores gauge"));
    }

    @Test
    void stale_entries_and_windows_that_are_no_longer_the_latest_possible_are_left_out() throws Exception {
        String text = write(UsageExposition.Format.TEXT);

        assertFalse(text.contains("gone"), text);
        assertFalse(text.contains("stale"), text);
        assertFalse(text.contains("window=\"1h\""), text);
        assertTrue(text.contains("metrics_stream_pod_window_cpu_usage_cores{namespace=\"shop\",pod=\"web-1\",node=\"n1\","
                + "window=\"1m\",stat=\"p95\"} 0.45 " + (NOW - 30_000)), text);
        assertTrue(text.contains("metrics_stream_node_window_memory_working_set_bytes{node=\"n1\",window=\"5m\",stat=\"p99\"} "
                + "200000000 " + (NOW - 10_000)), text);
    }

    @Test
    void label_values_are_escaped() throws Exception {
        assertTrue(write(UsageExposition.Format.TEXT).contains("{namespace=\"we\\\"ird\",pod=\"p\\\\1\","));
    }

    @Test
    void openmetrics_has_second_timestamps_and_ends_with_eof() throws Exception {
        String text = write(UsageExposition.Format.OPENMETRICS);

        assertTrue(text.endsWith("# EOF\n"));
        assertTrue(text.contains("metrics_stream_node_cpu_usage_cores{node=\"n1\"} 0.487558164 1799999990.000\n"), text);
    }

    @Test
    void negotiates_openmetrics_only_when_asked() {
        assertEquals(UsageExposition.Format.OPENMETRICS, UsageExposition.Format.negotiate(
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
        assertEquals(UsageExposition.Format.TEXT, UsageExposition.Format.negotiate("text/plain"));
        assertEquals(UsageExposition.Format.TEXT, UsageExposition.Format.negotiate(null));
    }
}
