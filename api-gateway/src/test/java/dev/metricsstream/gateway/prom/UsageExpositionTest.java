package dev.metricsstream.gateway.prom;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.nodeWindow;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.Tools;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        List<String> lines = text.lines().toList();
        assertTrue(lines.contains("metrics_stream_pod_window_cpu_usage_cores{namespace=\"shop\",pod=\"web-1\",node=\"n1\","
                + "window=\"1m\",stat=\"p95\"} 0.45"), text);
        assertTrue(lines.contains("metrics_stream_node_window_memory_working_set_bytes{node=\"n1\",window=\"5m\",stat=\"p99\"} "
                + "200000000"), text);
    }

    @Test
    void window_statistics_carry_no_timestamp_and_their_end_time_is_a_gauge_of_its_own() throws Exception {
        for (UsageExposition.Format format : UsageExposition.Format.values()) {
            List<String> lines = write(format).lines().toList();

            assertTrue(lines.contains("metrics_stream_pod_window_end_timestamp_seconds{namespace=\"shop\",pod=\"web-1\","
                    + "node=\"n1\",window=\"1m\"} " + (NOW - 30_000) / 1000), lines.toString());
            assertTrue(lines.contains("metrics_stream_node_window_end_timestamp_seconds{node=\"n1\",window=\"5m\"} "
                    + (NOW - 10_000) / 1000), lines.toString());
            assertTrue(lines.contains("# TYPE metrics_stream_node_window_end_timestamp_seconds gauge"));
            for (String line : lines) {
                if (line.startsWith("metrics_stream_") && line.contains("window=")) {
                    assertEquals(2, line.substring(line.indexOf('}')).split(" ").length, "no timestamp: " + line);
                }
            }
        }
    }

    /**
     * Scrapes the exposition once a minute over the hour after a 1 h window closed, ingests each sample as Prometheus
     * does (at its own timestamp, else at the scrape time; a repeated timestamp is dropped), and asks promtool what an
     * ordinary instant query (5-minute lookback) returns at several minutes of that hour.
     */
    @Test
    void an_instant_query_sees_the_latest_closed_hour_window_at_any_minute_of_the_hour(@TempDir Path dir)
            throws Exception {
        Path promtool = Tools.find("promtool");
        assumeTrue(promtool != null, "promtool is not on PATH (Debian package 'prometheus'): the query check is skipped");
        long closedMillis = 0; // promtool input series start at Unix time 0
        InMemoryMetricsStore hourly = new InMemoryMetricsStore()
                .putWindow(podWindow("shop", "web-1", "n1", 3_600_000, closedMillis));
        String labels = "namespace=\"shop\",pod=\"web-1\",node=\"n1\",window=\"1h\"";
        String stat = "metrics_stream_pod_window_cpu_usage_cores{" + labels + ",stat=\"p95\"}";
        String end = "metrics_stream_pod_window_end_timestamp_seconds{" + labels + "}";
        Map<String, TreeMap<Integer, String>> ingested = new LinkedHashMap<>();
        for (int minute = 0; minute <= 60; minute++) {
            long scrapeMillis = closedMillis + minute * 60_000L;
            StringWriter out = new StringWriter();
            new UsageExposition(hourly, new Freshness(Duration.ofSeconds(45))).write(out, UsageExposition.Format.TEXT,
                    scrapeMillis);
            if (minute == 0) {
                Tools.Result check = Tools.run(List.of(promtool.toString(), "check", "metrics"), Map.of(),
                        out.toString().getBytes(StandardCharsets.UTF_8), dir);
                assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
            }
            for (String line : out.toString().lines().toList()) {
                for (String series : List.of(stat, end)) {
                    if (line.startsWith(series + " ")) {
                        String[] parts = line.substring(series.length() + 1).split(" ");
                        long sampleMillis = parts.length > 1 ? Long.parseLong(parts[1]) : scrapeMillis;
                        int at = (int) ((sampleMillis - closedMillis) / 60_000);
                        ingested.computeIfAbsent(series, s -> new TreeMap<>()).putIfAbsent(at, parts[0]);
                    }
                }
            }
        }
        StringBuilder tests = new StringBuilder("evaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
        for (Map.Entry<String, TreeMap<Integer, String>> series : ingested.entrySet()) {
            StringBuilder values = new StringBuilder();
            for (int minute = 0; minute <= 60; minute++) {
                values.append(series.getValue().getOrDefault(minute, "_")).append(' ');
            }
            tests.append("      - series: '").append(series.getKey()).append("'\n        values: '")
                    .append(values.toString().trim()).append("'\n");
        }
        tests.append("    promql_expr_test:\n");
        for (int minute : new int[] {1, 7, 30, 59}) {
            tests.append("      - expr: 'metrics_stream_pod_window_cpu_usage_cores{window=\"1h\",stat=\"p95\"}'\n")
                    .append("        eval_time: ").append(minute).append("m\n")
                    .append("        exp_samples:\n          - labels: '").append(stat).append("'\n")
                    .append("            value: 0.45\n");
            tests.append("      - expr: 'time() - metrics_stream_pod_window_end_timestamp_seconds{window=\"1h\"}'\n")
                    .append("        eval_time: ").append(minute).append("m\n")
                    .append("        exp_samples:\n          - labels: '{").append(labels).append("}'\n")
                    .append("            value: ").append(minute * 60).append('\n');
        }
        Path file = dir.resolve("window-visibility-test.yaml");
        Files.writeString(file, tests.toString());

        Tools.Result result = Tools.run(List.of(promtool.toString(), "test", "rules", file.getFileName().toString()),
                Map.of(), null, dir);

        assertEquals(0, result.exitCode(), tests + "\n" + result.stdout() + result.stderr());
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
