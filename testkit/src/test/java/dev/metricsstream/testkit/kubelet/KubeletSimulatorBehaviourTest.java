package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour over (simulated) time, observed through real scrapes. */
class KubeletSimulatorBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(15);

    private final SimClock clock = SimClock.fixed();
    private KubeletSimulator sim;
    private Scraper scraper;

    private KubeletSimulator start(KubeletSimulator.Builder builder) {
        sim = builder.clock(clock).build().start();
        scraper = new Scraper(sim);
        return sim;
    }

    @AfterEach
    void close() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void true_cpu_rate_is_recovered_from_two_resource_metrics_scrapes() {
        start(KubeletSimulator.builder().nodes(3).podsPerNode(20).seed(42).token("t"));
        for (SimNode node : sim.nodes()) {
            Exposition first = Exposition.parse(scraper.body(node, "/metrics/resource"));
            clock.advance(SCRAPE_INTERVAL);
            Exposition second = Exposition.parse(scraper.body(node, "/metrics/resource"));
            Map<String, Exposition.Sample> before = first.byContainer("container_cpu_usage_seconds_total");
            Map<String, Exposition.Sample> after = second.byContainer("container_cpu_usage_seconds_total");
            int checked = 0;
            for (SimPod pod : node.pods()) {
                for (SimContainer c : pod.containers()) {
                    String key = pod.namespace() + "/" + pod.name() + "/" + c.name();
                    double rate = rateNanocores(before.get(key), after.get(key));
                    assertEquals(c.trueCpuNanocores(), rate, tolerance(before.get(key), after.get(key)), key);
                    checked++;
                }
            }
            assertTrue(checked >= 20, "every container of the node was checked");
            double nodeRate = rateNanocores(first.family("node_cpu_usage_seconds_total").get(0),
                    second.family("node_cpu_usage_seconds_total").get(0));
            assertEquals(node.trueCpuNanocores(), nodeRate,
                    tolerance(first.family("node_cpu_usage_seconds_total").get(0),
                            second.family("node_cpu_usage_seconds_total").get(0)));
        }
    }

    @Test
    void true_cpu_rate_is_recovered_from_two_summaries_when_samples_fall_on_whole_seconds() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(20).seed(5).wholeSecondSamples(true));
        SimNode node = sim.nodes().get(0);
        JsonNode first = JSON.readTree(scraper.body(node, "/stats/summary"));
        clock.advance(SCRAPE_INTERVAL);
        JsonNode second = JSON.readTree(scraper.body(node, "/stats/summary"));
        Map<String, JsonNode> before = summaryContainers(first);
        Map<String, JsonNode> after = summaryContainers(second);
        for (SimPod pod : node.pods()) {
            for (SimContainer c : pod.containers()) {
                String key = pod.namespace() + "/" + pod.name() + "/" + c.name();
                JsonNode a = before.get(key).path("cpu");
                JsonNode b = after.get(key).path("cpu");
                double seconds = Duration.between(Instant.parse(a.path("time").asText()),
                        Instant.parse(b.path("time").asText())).toMillis() / 1000.0;
                double rate = (b.path("usageCoreNanoSeconds").asLong() - a.path("usageCoreNanoSeconds").asLong())
                        / seconds;
                assertEquals(c.trueCpuNanocores(), rate, 2_000 / seconds + 1, key);
                assertEquals(c.trueCpuNanocores(), b.path("usageNanoCores").asLong(), key);
            }
        }
        JsonNode nodeA = first.path("node").path("cpu");
        JsonNode nodeB = second.path("node").path("cpu");
        double seconds = Duration.between(Instant.parse(nodeA.path("time").asText()),
                Instant.parse(nodeB.path("time").asText())).toMillis() / 1000.0;
        assertEquals(node.trueCpuNanocores(),
                (nodeB.path("usageCoreNanoSeconds").asLong() - nodeA.path("usageCoreNanoSeconds").asLong()) / seconds,
                2_000 / seconds + 1);
    }

    @Test
    void the_network_truth_is_exactly_the_rate_between_two_summaries_for_every_pod_and_the_node() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(20).seed(11));
        SimNode node = sim.nodes().get(0);
        JsonNode first = JSON.readTree(scraper.body(node, "/stats/summary"));
        clock.advance(SCRAPE_INTERVAL.plusMillis(137));
        JsonNode second = JSON.readTree(scraper.body(node, "/stats/summary"));
        Map<String, JsonNode> before = new HashMap<>();
        for (JsonNode pod : first.path("pods")) {
            before.put(pod.at("/podRef/namespace").asText() + "/" + pod.at("/podRef/name").asText(),
                    pod.path("network"));
        }
        int checked = 0;
        for (NetworkTruth truth : sim.networkTruth()) {
            JsonNode a;
            JsonNode b;
            if (truth.pod() == null) {
                a = first.at("/node/network");
                b = second.at("/node/network");
            } else {
                a = before.get(truth.namespace() + "/" + truth.pod());
                b = null;
                for (JsonNode pod : second.path("pods")) {
                    if (pod.at("/podRef/name").asText().equals(truth.pod())
                            && pod.at("/podRef/namespace").asText().equals(truth.namespace())) {
                        b = pod.path("network");
                    }
                }
            }
            if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
                continue; // a pod without stats yet
            }
            double seconds = Duration.between(Instant.parse(a.path("time").asText()),
                    Instant.parse(b.path("time").asText())).toMillis() / 1000.0;
            assertTrue(seconds > 0, "the samples moved on");
            assertEquals(truth.receiveBytesPerSecond(),
                    (b.path("rxBytes").asLong() - a.path("rxBytes").asLong()) / seconds, 1e-9, truth.toString());
            assertEquals(truth.transmitBytesPerSecond(),
                    (b.path("txBytes").asLong() - a.path("txBytes").asLong()) / seconds, 1e-9, truth.toString());
            checked++;
        }
        assertTrue(checked >= 19, "the node and (nearly) every pod were checked: " + checked);
    }

    @Test
    void a_rate_set_by_the_test_is_what_the_next_two_scrapes_show() {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(4).seed(3).samplePeriod(Duration.ZERO));
        SimNode node = sim.nodes().get(0);
        SimContainer c = node.pods().get(2).containers().get(0);
        c.setCpuNanocores(1_234_567_891L);
        assertEquals(1_234_567_891L, sim.trueCpuNanocores(node.name(), c.pod().namespace(), c.pod().name(), c.name()));
        String key = c.pod().namespace() + "/" + c.pod().name() + "/" + c.name();
        Exposition.Sample a = Exposition.parse(scraper.body(node, "/metrics/resource"))
                .byContainer("container_cpu_usage_seconds_total").get(key);
        clock.advance(Duration.ofMillis(15_250));
        Exposition.Sample b = Exposition.parse(scraper.body(node, "/metrics/resource"))
                .byContainer("container_cpu_usage_seconds_total").get(key);
        assertEquals(clock.instant().toEpochMilli(), b.timestampMillis(), "period 0 samples at the request instant");
        assertEquals(1_234_567_891.0, rateNanocores(a, b), tolerance(a, b));
    }

    @Test
    void a_restarted_container_shows_a_lower_counter_a_later_start_time_and_one_more_restart() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(6).seed(11));
        SimNode node = sim.nodes().get(0);
        SimPod pod = node.pods().get(3);
        SimContainer c = pod.containers().get(0);
        String key = pod.namespace() + "/" + pod.name() + "/" + c.name();
        Exposition before = Exposition.parse(scraper.body(node, "/metrics/resource"));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1, c.restart());
        clock.advance(SCRAPE_INTERVAL);
        Exposition after = Exposition.parse(scraper.body(node, "/metrics/resource"));
        assertTrue(after.byContainer("container_cpu_usage_seconds_total").get(key).value()
                < before.byContainer("container_cpu_usage_seconds_total").get(key).value(), "counter reset");
        double startBefore = before.byContainer("container_start_time_seconds").get(key).value();
        double startAfter = after.byContainer("container_start_time_seconds").get(key).value();
        assertTrue(startAfter > startBefore, "start time moved forward");
        assertEquals(c.startTime().orElseThrow().toEpochMilli() / 1000.0, startAfter, 1e-3);
        // the pod cgroup keeps the CPU of the exited instance
        String podKey = pod.namespace() + "/" + pod.name();
        assertTrue(podCpu(after, podKey) > podCpu(before, podKey), "pod counter does not reset");

        JsonNode status = podStatus(node, pod.name());
        JsonNode containerStatus = status.path("containerStatuses").get(0);
        assertEquals(1, containerStatus.path("restartCount").asInt());
        assertEquals("Error", containerStatus.path("lastState").path("terminated").path("reason").asText());
        assertEquals(1, sim.truth().stream().filter(t -> t.pod().equals(pod.name()) && t.container().equals(c.name()))
                .findFirst().orElseThrow().restartCount());
    }

    @Test
    void a_fresh_container_has_only_its_start_time_until_its_first_housekeeping() {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(3).seed(2));
        SimNode node = sim.nodes().get(0);
        SimContainer c = node.pods().get(2).containers().get(0);
        String key = c.pod().namespace() + "/" + c.pod().name() + "/" + c.name();
        clock.advance(Duration.ofMillis(1));
        c.restart();
        boolean sampledAtOnce = c.sampleTime().isPresent();
        Exposition e = Exposition.parse(scraper.body(node, "/metrics/resource"));
        assertTrue(e.byContainer("container_start_time_seconds").containsKey(key));
        assertEquals(sampledAtOnce, e.byContainer("container_cpu_usage_seconds_total").containsKey(key));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(c.sampleTime().isPresent(), "sampled within one period");
        assertTrue(Exposition.parse(scraper.body(node, "/metrics/resource"))
                .byContainer("container_cpu_usage_seconds_total").containsKey(key));
    }

    @Test
    void a_deleted_pod_disappears_and_a_created_pod_appears_on_every_endpoint() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(8).seed(8).samplePeriod(Duration.ZERO));
        SimNode node = sim.nodes().get(0);
        SimPod victim = node.pods().get(5);
        long nodeCpuBefore = node.cumulativeCpuNanosAt(clock.instant());
        node.deletePod(victim.namespace(), victim.name());
        SimPod added = node.addPod(PodSpec.builder("shop", "cart-5c7d9f6b8-zq2xw")
                .label("app", "cart").label("tier", "backend")
                .container(ContainerSpec.of("cart", "ghcr.io/example/cart:1.9.0", 300, 128))
                .container(ContainerSpec.of("envoy", "docker.io/envoyproxy/envoy:v1.34.1", 20, 40))
                .build());
        clock.advance(SCRAPE_INTERVAL);
        String metrics = scraper.body(node, "/metrics/resource");
        String summary = scraper.body(node, "/stats/summary");
        String pods = scraper.body(node, "/pods");
        for (String body : new String[] {metrics, summary, pods}) {
            assertFalse(body.contains("\"" + victim.name() + "\""), "deleted pod gone");
            assertTrue(body.contains("\"" + added.name() + "\""), "created pod present");
        }
        Exposition e = Exposition.parse(metrics);
        double cartRate = e.byContainer("container_cpu_usage_seconds_total").get("shop/" + added.name() + "/cart")
                .value() * 1e9 / 15;
        assertEquals(300_000_000.0, cartRate, 1_000);
        assertTrue(node.cumulativeCpuNanosAt(clock.instant()) > nodeCpuBefore, "node CPU never goes back");
        assertEquals(Map.of("app", "cart", "tier", "backend"), Map.copyOf(podLabels(node, added.name())));
    }

    @Test
    void pods_move_from_pending_to_running_to_succeeded_and_only_running_pods_have_stats() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(2).seed(4).samplePeriod(Duration.ZERO));
        SimNode node = sim.nodes().get(0);
        SimPod job = node.addPod(PodSpec.builder("batch", "nightly-29000000-abcde")
                .container(ContainerSpec.of("job", "docker.io/library/busybox:1.37", 500, 16))
                .phase(PodPhase.PENDING).build());
        assertEquals("Pending", podStatus(node, job.name()).path("phase").asText());
        assertEquals("ContainerCreating", podStatus(node, job.name()).path("containerStatuses").get(0)
                .path("state").path("waiting").path("reason").asText());
        assertFalse(scraper.body(node, "/metrics/resource").contains(job.name()));
        assertEquals(0, job.trueCpuNanocores());

        job.setPhase(PodPhase.RUNNING);
        clock.advance(Duration.ofSeconds(3));
        assertEquals("Running", podStatus(node, job.name()).path("phase").asText());
        assertTrue(scraper.body(node, "/metrics/resource").contains(job.name()));
        assertEquals(500_000_000L, job.trueCpuNanocores());

        job.setPhase(PodPhase.SUCCEEDED);
        clock.advance(Duration.ofSeconds(3));
        JsonNode status = podStatus(node, job.name());
        assertEquals("Succeeded", status.path("phase").asText());
        assertEquals("Completed", status.path("containerStatuses").get(0).path("state").path("terminated")
                .path("reason").asText());
        assertFalse(scraper.body(node, "/metrics/resource").contains(job.name()));
        assertFalse(scraper.body(node, "/stats/summary").contains(job.name()));
        assertEquals(0, job.trueCpuNanocores());
    }

    @Test
    void completed_init_containers_report_zero_cpu_and_memory_like_the_windows_capture() throws Exception {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(2).seed(4));
        SimNode node = sim.nodes().get(0);
        SimPod pod = node.addPod(PodSpec.builder("monitoring", "agent-x7k2p")
                .initContainer("init-config", "docker.io/library/busybox:1.37")
                .initContainer("init-volume", "docker.io/library/busybox:1.37")
                .container(ContainerSpec.of("agent", "ghcr.io/example/agent:7.0", 100, 64))
                .build());
        clock.advance(SCRAPE_INTERVAL);
        JsonNode summary = JSON.readTree(scraper.body(node, "/stats/summary"));
        Map<String, JsonNode> containers = summaryContainers(summary);
        for (String init : new String[] {"init-config", "init-volume"}) {
            JsonNode c = containers.get("monitoring/agent-x7k2p/" + init);
            assertEquals(0, c.path("cpu").path("usageCoreNanoSeconds").asLong());
            assertEquals(0, c.path("cpu").path("usageNanoCores").asLong());
            assertEquals(0, c.path("memory").path("workingSetBytes").asLong());
        }
        assertTrue(containers.get("monitoring/agent-x7k2p/agent").path("cpu").path("usageCoreNanoSeconds")
                .asLong() > 0);
        Exposition e = Exposition.parse(scraper.body(node, "/metrics/resource"));
        assertEquals(0.0, e.byContainer("container_cpu_usage_seconds_total")
                .get("monitoring/agent-x7k2p/init-config").value());
        assertEquals(0.0, e.byContainer("container_memory_working_set_bytes")
                .get("monitoring/agent-x7k2p/init-volume").value());
        JsonNode inits = podStatus(node, pod.name()).path("initContainerStatuses");
        assertEquals(2, inits.size());
        assertEquals("Completed", inits.get(0).path("state").path("terminated").path("reason").asText());
    }

    @Test
    void memory_varies_around_the_level_set_and_reads_back_exactly() {
        start(KubeletSimulator.builder().nodes(1).podsPerNode(5).seed(6));
        SimNode node = sim.nodes().get(0);
        SimContainer c = node.pods().get(4).containers().get(0);
        String key = c.pod().namespace() + "/" + c.pod().name() + "/" + c.name();
        c.setMemoryWorkingSetBytes(512L * 1024 * 1024);
        clock.advance(SCRAPE_INTERVAL);
        Map<Long, Boolean> distinct = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            double reported = Exposition.parse(scraper.body(node, "/metrics/resource"))
                    .byContainer("container_memory_working_set_bytes").get(key).value();
            assertEquals(c.trueMemoryWorkingSetBytes(), (long) reported);
            assertEquals(512.0 * 1024 * 1024, reported, 512.0 * 1024 * 1024 * 0.05 + 4096);
            distinct.put((long) reported, true);
            clock.advance(SCRAPE_INTERVAL);
        }
        assertTrue(distinct.size() > 1, "the working set varies between samples");
        assertEquals(512L * 1024 * 1024, c.memoryLevelBytes());
    }

    private static double rateNanocores(Exposition.Sample a, Exposition.Sample b) {
        double deltaNanos = Math.round(b.value() * 1e9) - Math.round(a.value() * 1e9);
        return deltaNanos / ((b.timestampMillis() - a.timestampMillis()) / 1000.0);
    }

    /** cgroup v2 microsecond resolution: at most 1 µs of rounding at each end. */
    private static double tolerance(Exposition.Sample a, Exposition.Sample b) {
        return 2_000 / ((b.timestampMillis() - a.timestampMillis()) / 1000.0) + 1;
    }

    private static double podCpu(Exposition e, String podKey) {
        return e.family("pod_cpu_usage_seconds_total").stream()
                .filter(s -> (s.label("namespace") + "/" + s.label("pod")).equals(podKey))
                .findFirst().orElseThrow().value();
    }

    private static Map<String, JsonNode> summaryContainers(JsonNode summary) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode pod : summary.path("pods")) {
            String prefix = pod.path("podRef").path("namespace").asText() + "/" + pod.path("podRef").path("name")
                    .asText() + "/";
            for (JsonNode c : pod.path("containers")) {
                out.put(prefix + c.path("name").asText(), c);
            }
        }
        return out;
    }

    private JsonNode podStatus(SimNode node, String podName) throws Exception {
        return podItem(node, podName).path("status");
    }

    private Map<String, String> podLabels(SimNode node, String podName) throws Exception {
        Map<String, String> labels = new HashMap<>();
        podItem(node, podName).path("metadata").path("labels").properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private JsonNode podItem(SimNode node, String podName) throws Exception {
        for (JsonNode item : JSON.readTree(scraper.body(node, "/pods")).path("items")) {
            if (item.path("metadata").path("name").asText().equals(podName)) {
                return item;
            }
        }
        throw new AssertionError("no pod " + podName + " in /pods");
    }
}
