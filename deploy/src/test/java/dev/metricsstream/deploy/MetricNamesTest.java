package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The alerts and the dashboard query the metric names the code really exports. */
class MetricNamesTest {

    static final Pattern OURS = Pattern.compile("\\b((?:collector|metrics_stream|kafka_streams)_[a-z0-9_]+)");
    static final Pattern LITERAL = Pattern.compile("\"((?:collector|metrics_stream|kafka_streams)_[a-z0-9_]+)\"");

    /** Every metric name literal in the services' main sources (registered or written by hand). */
    static Set<String> exported() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String module : List.of("collector", "aggregator", "api-gateway", "common")) {
            try (Stream<Path> files = Files.walk(Repo.file(module + "/src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = LITERAL.matcher(Files.readString(file));
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    static Set<String> used(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = OURS.matcher(text);
        while (m.find()) {
            names.add(m.group(1).replaceAll("_(bucket|count|sum)$", ""));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static String ruleExpressions() {
        Map<String, Object> rule = new Yaml().load(Repo.read("k8s/components/prometheus/prometheusrule.yaml"));
        StringBuilder exprs = new StringBuilder();
        for (Map<String, Object> group : (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec"))
                .get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                exprs.append(r.get("expr")).append('\n');
            }
        }
        return exprs.toString();
    }

    static String dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Repo.read("k8s/grafana/metrics-stream-dashboard.json"));
        StringBuilder exprs = new StringBuilder();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.append(target.get("expr").asText()).append('\n');
            }
        }
        return exprs.toString();
    }

    @Test
    void every_metric_in_the_alerts_is_exported_by_the_code() throws IOException {
        Set<String> used = used(ruleExpressions());
        assertTrue(used.size() >= 8, "the alerts cover collector, aggregator and gateway: " + used);
        used.removeAll(exported());
        assertEquals(Set.of(), used);
    }

    @Test
    void every_metric_on_the_dashboard_is_exported_by_the_code() throws IOException {
        Set<String> used = used(dashboardExpressions());
        assertTrue(used.containsAll(Set.of("metrics_stream_node_cpu_usage_cores", "metrics_stream_pod_cpu_usage_cores",
                "metrics_stream_pod_memory_working_set_bytes")), "cluster and top-pod panels: " + used);
        used.removeAll(exported());
        assertEquals(Set.of(), used);
    }

    @Test
    void a_misspelt_metric_would_be_noticed() throws IOException {
        Set<String> used = used("rate(collector_scrape_duration_seconds_bucket[5m]) + collector_scrapes_totl");
        assertEquals(Set.of("collector_scrape_duration_seconds", "collector_scrapes_totl"), used);
        used.removeAll(exported());
        assertEquals(Set.of("collector_scrapes_totl"), used);
    }

    @Test
    void the_dashboard_panels_are_well_formed() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Repo.read("k8s/grafana/metrics-stream-dashboard.json"));
        assertEquals("metrics-stream", dashboard.get("uid").asText());
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id " + panel.get("id"));
            assertTrue(panel.has("gridPos") && panel.has("type") && panel.has("title"), panel.toString());
        }
    }

    @Test
    void promtool_accepts_the_alerting_rules(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("promtool"), "promtool is not on PATH (CI installs it via .ci/run)");
        Map<String, Object> rule = new Yaml().load(Repo.read("k8s/components/prometheus/prometheusrule.yaml"));
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, new Yaml().dump(rule.get("spec")));
        Process p = new ProcessBuilder("promtool", "check", "rules", rules.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void the_alerts_fire_on_the_series_the_code_exports_as_promtool_unit_tests_show(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(onPath("promtool"), "promtool is not on PATH (CI installs it via .ci/run)");
        Map<String, Object> rule = new Yaml().load(Repo.read("k8s/components/prometheus/prometheusrule.yaml"));
        Files.writeString(dir.resolve("rules.yaml"), new Yaml().dump(rule.get("spec")));
        Path tests = dir.resolve("alerts-test.yaml");
        try (var in = getClass().getResourceAsStream("/prometheus/alerts-test.yaml")) {
            Files.write(tests, in.readAllBytes());
        }
        Process p = new ProcessBuilder("promtool", "test", "rules", tests.getFileName().toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(used(Files.readString(tests)).stream().allMatch(n -> {
            try {
                return exported().contains(n);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), "the test series use exported names");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
