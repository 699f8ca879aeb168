package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's wire formats, compared with the real captures. */
class KubeletSimulatorEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RFC3339_SECONDS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

    private static SimClock clock;
    private static KubeletSimulator sim;
    private static Scraper scraper;
    private static SimNode node;

    @BeforeAll
    static void start() {
        clock = SimClock.fixed();
        sim = KubeletSimulator.builder().nodes(2).podsPerNode(20).seed(42).clock(clock).token("t0ken").build()
                .start();
        scraper = new Scraper(sim);
        node = sim.nodes().get(0);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void every_endpoint_answers_with_the_kubelets_content_type() {
        HttpResponse<String> metrics = scraper.get(node, "/metrics/resource");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", contentType(metrics));
        HttpResponse<String> summary = scraper.get(node, "/stats/summary");
        assertEquals(200, summary.statusCode());
        assertEquals("application/json", contentType(summary));
        HttpResponse<String> pods = scraper.get(node, "/pods");
        assertEquals(200, pods.statusCode());
        assertEquals("application/json", contentType(pods));
        HttpResponse<String> health = scraper.get(node, "/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("ok", health.body());
        HttpResponse<String> missing = scraper.get(node, "/metrics/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("404 page not found\n", missing.body());
    }

    @Test
    void summary_has_every_key_path_of_the_1_35_capture_for_node_cpu_memory_and_containers() throws Exception {
        JsonNode fixture = JSON.readTree(Fixtures.read("stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json"));
        JsonNode ours = JSON.readTree(scraper.body(node, "/stats/summary"));
        Set<String> fixturePaths = paths(fixture);
        Set<String> ourPaths = paths(ours);
        List<String> missing = new ArrayList<>();
        for (String path : fixturePaths) {
            boolean relevant = path.startsWith(".node.cpu") || path.startsWith(".node.memory")
                    || path.startsWith(".pods[].containers[]") || path.startsWith(".pods[].podRef")
                    || path.startsWith(".pods[].cpu") || path.startsWith(".pods[].memory")
                    || path.equals(".node.nodeName") || path.equals(".node.startTime")
                    || path.startsWith(".node.network") || path.startsWith(".node.fs")
                    || path.startsWith(".node.systemContainers[]");
            if (relevant && !ourPaths.contains(path)) {
                missing.add(path);
            }
        }
        assertEquals(List.of(), missing, "key paths of the real 1.35 summary that the simulator lacks");
        assertEquals(node.name(), ours.path("node").path("nodeName").asText());
    }

    @Test
    void summary_times_are_rfc3339_whole_seconds_like_metav1_time() throws Exception {
        JsonNode ours = JSON.readTree(scraper.body(node, "/stats/summary"));
        List<String> times = new ArrayList<>();
        collect(ours, "time", times);
        collect(ours, "startTime", times);
        assertTrue(times.size() > 100, "summary has many timestamps");
        for (String time : times) {
            assertTrue(RFC3339_SECONDS.matcher(time).matches(), time);
        }
        JsonNode fixture = JSON.readTree(Fixtures.read("stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json"));
        assertTrue(RFC3339_SECONDS.matcher(fixture.path("node").path("cpu").path("time").asText()).matches(),
                "the capture uses the same time format");
    }

    @Test
    void stable_exposition_has_the_families_labels_and_help_texts_of_the_current_kubelet() {
        Exposition e = Exposition.parse(scraper.body(node, "/metrics/resource"));
        assertTrue(e.helpLines.contains("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time "
                + "consumed by the container in core-seconds"));
        assertTrue(e.helpLines.contains("# HELP resource_scrape_error [STABLE] 1 if there was an error while getting "
                + "container metrics, 0 otherwise"));
        assertTrue(e.helpLines.contains("# HELP node_swap_usage_bytes [ALPHA] Current swap usage of the node in "
                + "bytes. Reported only on non-windows systems"));
        assertEquals(0.0, e.family("resource_scrape_error").get(0).value());
        assertTrue(e.family("scrape_error").isEmpty(), "the deprecated scrape_error is hidden");
        Map<String, TreeSet<String>> labels = e.labelSets();
        assertEquals(Set.of("container,namespace,pod"), labels.get("container_cpu_usage_seconds_total"));
        assertEquals(Set.of("namespace,pod"), labels.get("pod_memory_working_set_bytes"));
        assertEquals(Set.of(""), labels.get("node_cpu_usage_seconds_total"));
        assertFalse(e.timestamped().get("container_start_time_seconds"), "the current kubelet drops that timestamp");
        assertTrue(e.timestamped().get("container_cpu_usage_seconds_total"));
    }

    @Test
    void alpha_2024_exposition_matches_the_2024_capture_line_for_line_in_structure() {
        node.setFormat(ResourceMetricsFormat.ALPHA_2024);
        try {
            String fixtureText = Fixtures.read("metrics-resource_kind-private-cloud-worker_2024-01_multicontainer.prom");
            Exposition fixture = Exposition.parse(fixtureText);
            Exposition ours = Exposition.parse(scraper.body(node, "/metrics/resource"));
            assertEquals(fixture.helpLines, ours.helpLines, "HELP lines, in order");
            assertEquals(fixture.typeLines, ours.typeLines, "TYPE lines, in order");
            assertEquals(fixture.labelSets(), ours.labelSets(), "families and their label names");
            assertEquals(fixture.timestamped(), ours.timestamped(), "which families carry timestamps");
            assertSorted(ours);
            for (Exposition.Sample start : ours.family("container_start_time_seconds")) {
                assertEquals(Math.round(start.value() * 1000), start.timestampMillis(),
                        "as in the capture, the start time sample is stamped with the start time");
            }
        } finally {
            node.setFormat(ResourceMetricsFormat.STABLE);
        }
    }

    @Test
    void alpha_2021_exposition_matches_the_2021_capture_in_structure() {
        node.setFormat(ResourceMetricsFormat.ALPHA_2021);
        try {
            Exposition fixture = Exposition.parse(Fixtures.read("metrics-resource_kind-e2e_2021-10_70pods.prom"));
            Exposition ours = Exposition.parse(scraper.body(node, "/metrics/resource"));
            assertEquals(fixture.helpLines, ours.helpLines);
            assertEquals(fixture.typeLines, ours.typeLines);
            assertEquals(fixture.labelSets(), ours.labelSets());
            assertEquals(fixture.timestamped(), ours.timestamped());
        } finally {
            node.setFormat(ResourceMetricsFormat.STABLE);
        }
    }

    @Test
    void exposition_numbers_use_gos_float_format_and_millisecond_timestamps() {
        String text = scraper.body(node, "/metrics/resource");
        assertTrue(Pattern.compile("(?m)^container_memory_working_set_bytes\\{.*\\} \\d\\.\\d+e\\+0\\d \\d{13}$")
                .matcher(text).find(), "working sets like 3.7474304e+07 as in the captures");
        assertFalse(text.contains("E+") || text.contains("E-") || text.contains(".0 "),
                "no Java-style number formatting");
        long nowMillis = clock.instant().toEpochMilli();
        for (Exposition.Sample s : Exposition.parse(text).family("container_cpu_usage_seconds_total")) {
            assertTrue(s.timestampMillis() <= nowMillis && s.timestampMillis() > nowMillis - 10_000,
                    "sample timestamps lag the request by less than one housekeeping period: " + s);
        }
    }

    @Test
    void pods_is_a_core_v1_pod_list_with_labels_phase_and_container_statuses() throws Exception {
        JsonNode list = JSON.readTree(scraper.body(node, "/pods"));
        assertEquals("PodList", list.path("kind").asText());
        assertEquals("v1", list.path("apiVersion").asText());
        JsonNode items = list.path("items");
        assertEquals(20, items.size());
        for (JsonNode pod : items) {
            JsonNode meta = pod.path("metadata");
            assertFalse(meta.path("name").asText().isEmpty());
            assertFalse(meta.path("namespace").asText().isEmpty());
            assertEquals(36, meta.path("uid").asText().length());
            assertTrue(RFC3339_SECONDS.matcher(meta.path("creationTimestamp").asText()).matches());
            assertTrue(meta.path("labels").has("app"), "every fleet pod has an app label");
            assertEquals(node.name(), pod.path("spec").path("nodeName").asText());
            int containers = pod.path("spec").path("containers").size();
            assertTrue(containers >= 1 && containers <= 3, "1-3 containers per pod");
            JsonNode status = pod.path("status");
            assertEquals("Running", status.path("phase").asText());
            assertEquals(containers, status.path("containerStatuses").size());
            JsonNode first = status.path("containerStatuses").get(0);
            assertTrue(first.path("ready").asBoolean());
            assertTrue(first.path("started").asBoolean());
            assertEquals(0, first.path("restartCount").asInt());
            assertTrue(RFC3339_SECONDS.matcher(first.path("state").path("running").path("startedAt").asText())
                    .matches());
        }
    }

    @Test
    void the_fleet_has_realistic_names_labels_and_namespaces_deterministic_by_seed() {
        Set<String> namespaces = new TreeSet<>();
        int multiContainer = 0;
        for (SimNode n : sim.nodes()) {
            assertEquals(20, n.pods().size());
            assertTrue(n.pods().get(0).name().matches("kube-proxy-[bcdfghjklmnpqrstvwxz2456789]{5}"));
            for (SimPod pod : n.pods()) {
                namespaces.add(pod.namespace());
                if (pod.containers().size() > 1) {
                    multiContainer++;
                }
                if (pod.labels().containsKey("pod-template-hash")) {
                    assertTrue(pod.name().startsWith(pod.labels().get("app") + "-"
                            + pod.labels().get("pod-template-hash") + "-"), pod.name());
                }
            }
        }
        assertTrue(namespaces.containsAll(Set.of("kube-system", "shop", "payments")), namespaces.toString());
        assertTrue(multiContainer > 0);
        try (KubeletSimulator twin = KubeletSimulator.builder().nodes(2).podsPerNode(20).seed(42)
                .clock(SimClock.at(clock.instant())).tls(false).build()) {
            assertEquals(names(sim), names(twin), "same seed, same fleet");
        }
        try (KubeletSimulator other = KubeletSimulator.builder().nodes(2).podsPerNode(20).seed(43)
                .clock(SimClock.at(clock.instant())).tls(false).build()) {
            assertFalse(names(sim).equals(names(other)), "another seed, another fleet");
        }
    }

    @Test
    void the_same_seed_and_clock_give_the_same_bytes() {
        try (KubeletSimulator a = KubeletSimulator.builder().nodes(1).podsPerNode(5).seed(9).tls(false)
                .clock(SimClock.at(Instant.parse("2026-01-01T00:00:00Z"))).build().start();
                KubeletSimulator b = KubeletSimulator.builder().nodes(1).podsPerNode(5).seed(9).tls(false)
                        .clock(SimClock.at(Instant.parse("2026-01-01T00:00:00Z"))).build().start()) {
            Scraper sa = new Scraper(a);
            Scraper sb = new Scraper(b);
            assertEquals(sa.body(a.nodes().get(0), "/metrics/resource"), sb.body(b.nodes().get(0), "/metrics/resource"));
            assertEquals(sa.body(a.nodes().get(0), "/stats/summary"), sb.body(b.nodes().get(0), "/stats/summary"));
        }
    }

    private static List<String> names(KubeletSimulator s) {
        List<String> names = new ArrayList<>();
        for (SimNode n : s.nodes()) {
            for (SimPod p : n.pods()) {
                names.add(n.name() + ":" + p.namespace() + "/" + p.name() + p.containers().stream()
                        .map(c -> c.name() + "@" + c.trueCpuNanocores()).toList());
            }
        }
        return names;
    }

    private static void assertSorted(Exposition e) {
        Map<String, List<String>> keys = new TreeMap<>();
        for (Exposition.Sample s : e.samples) {
            keys.computeIfAbsent(s.family(), f -> new ArrayList<>()).add(String.join("\u0000", s.labels().values()));
        }
        for (Map.Entry<String, List<String>> entry : keys.entrySet()) {
            List<String> sorted = new ArrayList<>(entry.getValue());
            sorted.sort(null);
            assertEquals(sorted, entry.getValue(), "series of " + entry.getKey() + " sorted by label values");
        }
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    static Set<String> paths(JsonNode node) {
        Set<String> out = new TreeSet<>();
        paths(node, "", out);
        return out;
    }

    private static void paths(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> paths(e.getValue(), prefix + "." + e.getKey(), out));
        } else if (node.isArray()) {
            node.forEach(child -> paths(child, prefix + "[]", out));
        } else {
            out.add(prefix);
        }
    }

    private static void collect(JsonNode node, String field, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals(field) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), field, out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, field, out));
        }
        assertNotNull(out);
    }
}
