package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's usage queries evaluated by promtool over what Prometheus stores when it scrapes the two gateway
 * replicas the base ships: every replica exposes every node and pod, so each series arrives twice, with the target
 * labels of its replica. Every query must still give what one replica alone shows (the truth): no sum twice as
 * large, no pod counted or listed twice.
 */
class DashboardQueriesTest {
    /** Series of /metrics/usage (the pipeline's data), as opposed to the services' own metrics. */
    static final Pattern USAGE = Pattern.compile("metrics_stream_(node|pod|container)_");

    record Pod(String namespace, String name, String node, double cores, long bytes) {
    }

    static final Map<String, double[]> NODES = Map.of("n1", new double[] {0.5, 4e9}, "n2", new double[] {1.5, 6e9});
    static final List<Pod> PODS = List.of(new Pod("shop", "web-1", "n1", 0.2, 300_000_000L),
            new Pod("shop", "web-2", "n2", 0.3, 100_000_000L), new Pod("kube-system", "dns", "n1", 0.1, 200_000_000L));

    /**
     * As the prometheus component scrapes /metrics/usage (honorLabels): the data's labels win, the operator's target
     * labels are added where the data has none (node series get the replica's namespace, pod and container).
     */
    static List<String> twoReplicaSeries() {
        List<String> series = new ArrayList<>();
        for (String replica : List.of("a", "b")) {
            String target = "job=\"metrics-stream-gateway\", instance=\"10.0.0." + (replica.equals("a") ? 1 : 2)
                    + ":8443\", endpoint=\"https\", service=\"metrics-stream-gateway\"";
            NODES.forEach((node, usage) -> {
                String labels = "{node=\"" + node + "\", " + target + ", namespace=\"metrics-stream\", pod=\"gw-"
                        + replica + "\", container=\"gateway\"}";
                series.add(line("metrics_stream_node_cpu_usage_cores" + labels, usage[0]));
                series.add(line("metrics_stream_node_memory_working_set_bytes" + labels, usage[1]));
            });
            for (Pod pod : PODS) {
                String labels = "{namespace=\"" + pod.namespace() + "\", pod=\"" + pod.name() + "\", node=\""
                        + pod.node() + "\", " + target + ", container=\"gateway\"}";
                series.add(line("metrics_stream_pod_cpu_usage_cores" + labels, pod.cores()));
                series.add(line("metrics_stream_pod_memory_working_set_bytes" + labels, pod.bytes()));
            }
        }
        return series;
    }

    static String line(String series, double value) {
        return "      - series: '" + series + "'\n        values: '" + value + "x10'\n";
    }

    /** What each usage panel must show, from one copy of the data. */
    static Map<String, List<String>> truth() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("Cluster CPU usage/A", List.of(sample("{}", 2.0)));
        expected.put("Cluster memory working set/A", List.of(sample("{}", 1e10)));
        expected.put("CPU by node/A", List.of(sample("{node=\"n1\"}", 0.5), sample("{node=\"n2\"}", 1.5)));
        expected.put("Memory by node/A", List.of(sample("{node=\"n1\"}", 4e9), sample("{node=\"n2\"}", 6e9)));
        expected.put("Pods reporting/A", List.of(sample("{}", 3)));
        List<String> byCpu = new ArrayList<>();
        List<String> byMemory = new ArrayList<>();
        for (Pod pod : PODS) {
            String labels = "{namespace=\"" + pod.namespace() + "\", pod=\"" + pod.name() + "\"}";
            byCpu.add(sample(labels, pod.cores()));
            byMemory.add(sample(labels, pod.bytes()));
        }
        expected.put("Top 10 pods by CPU/A", byCpu);
        expected.put("Top 10 pods by memory/A", byMemory);
        return expected;
    }

    static String sample(String labels, double value) {
        return "          - labels: '" + labels + "'\n            value: " + value + "\n";
    }

    @Test
    void every_usage_panel_shows_each_node_and_pod_once_with_two_gateway_replicas_scraped(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(MetricNamesTest.onPath("promtool"), "promtool is not on PATH (CI installs it via .ci/run)");
        JsonNode dashboard = new ObjectMapper().readTree(Repo.read("k8s/grafana/metrics-stream-dashboard.json"));
        Map<String, List<String>> truth = truth();
        StringBuilder tests = new StringBuilder("rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n"
                + "  - interval: 1m\n    input_series:\n");
        twoReplicaSeries().forEach(tests::append);
        tests.append("    promql_expr_test:\n");
        TreeSet<String> checked = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                if (!USAGE.matcher(expr).find()) {
                    continue;
                }
                String key = panel.get("title").asText() + "/" + target.get("refId").asText();
                assertTrue(truth.containsKey(key), "no expected result for the usage query of panel " + key);
                checked.add(key);
                tests.append("      - expr: '").append(expr.replace("'", "''")).append("'\n        eval_time: 5m\n")
                        .append("        exp_samples:\n");
                truth.get(key).forEach(tests::append);
            }
        }
        assertEquals(new TreeSet<>(truth.keySet()), checked, "every expected panel is on the dashboard");
        Files.writeString(dir.resolve("rules.yaml"), "groups: []\n");
        Files.writeString(dir.resolve("dashboard-test.yaml"), tests.toString());

        Process p = new ProcessBuilder("promtool", "test", "rules", "dashboard-test.yaml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
