package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.api.Quantities;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimPod;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 end to end: the chain runs 28 rounds (7 simulated minutes) so that 1-minute and 5-minute windows close;
 * the History API, read with client-java's HTTP client, must equal the records on the {@code *-metrics-windows}
 * topics (read with a real consumer); the web view at {@code /ui/} is opened in headless Chromium, its tables must
 * fill with what the Resource Metrics API serves, a chart must draw points, and a screenshot is saved under
 * {@code target/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryAndWebViewIT {
    static final Duration RESOLUTION = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int ROUNDS = 28;
    static final long MINUTE = 60_000;
    static final Path SCREENSHOT = Path.of("target", "ui-screenshot.png");

    private final KafkaBroker broker;
    private final ObjectMapper mapper = new ObjectMapper();
    private Path dir;
    private SimulatedChain chain;
    private long firstMillis;
    private final List<String> runningPods = new ArrayList<>();

    HistoryAndWebViewIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void run_the_chain_through_seven_simulated_minutes() throws Exception {
        dir = Files.createTempDirectory("history-it");
        long fiveMinutes = 5 * MINUTE;
        firstMillis = (System.currentTimeMillis() - 60 * MINUTE) / fiveMinutes * fiveMinutes;
        chain = new SimulatedChain(broker, dir, SimClock.at(Instant.ofEpochMilli(firstMillis)),
                KubeletSimulator.builder().nodes(2).podsPerNode(8).seed(17).wholeSecondSamples(true));
        chain.sim.nodes().forEach(n -> n.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING)
                .forEach((SimPod p) -> runningPods.add(p.namespace() + "/" + p.name())));
        for (int round = 0; round < ROUNDS; round++) {
            chain.round(RESOLUTION);
            // one round at a time through the aggregator, as on the real clock: windows only take records within
            // their grace, so a node several rounds ahead of another would make the other's records late
            // (a node's first rate needs its second scrape)
            long roundMillis = chain.clock.millis() - RESOLUTION.toMillis() + 1;
            if (round == 0) {
                continue;
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> chain.sim.nodes().stream()
                    .allMatch(n -> chain.gateway.store().node(n.name())
                            .map(m -> m.getTimestampMillis() >= roundMillis).orElse(false)));
        }
        await().atMost(WAIT).until(() -> chain.collector.publisher().sentCount() == 2L * ROUNDS);
        // the 5-minute window [first, first + 5m) has closed once the gateway serves it for every node
        await().atMost(WAIT).until(() -> chain.sim.nodes().stream().allMatch(n -> chain.gateway.store()
                .node(n.name()).isPresent() && history("/nodes/" + n.name() + "?window=5m&start="
                        + Instant.ofEpochMilli(firstMillis)).map(h -> h.get("items").size() >= 1).orElse(false)));
        await().atMost(WAIT).until(() -> runningPods.stream().allMatch(k -> history("/namespaces/" + k.replace("/",
                "/pods/") + "?window=1m").map(h -> h.get("items").size() >= 4).orElse(false)));
    }

    @AfterAll
    void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
    }

    private ApiClient apiClient() {
        return new ClientBuilder().setBasePath(chain.httpsBase()).setVerifyingSsl(false)
                .setAuthentication(new AccessTokenAuthentication("any-token")).build();
    }

    /** A raw GET through client-java's HTTP client; the body, or empty on a non-200 answer. */
    private Optional<JsonNode> get(String path) {
        ApiClient client = apiClient();
        Request request = new Request.Builder().url(client.getBasePath() + path).header("Accept", "application/json")
                .build();
        try (Response response = client.getHttpClient().newCall(request).execute()) {
            String body = response.body().string();
            return response.code() == 200 ? Optional.of(mapper.readTree(body)) : Optional.empty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Optional<JsonNode> history(String path) {
        return get("/apis/history.metrics-stream.dev/v1alpha1" + path);
    }

    // ---- the History API equals the window topics ----

    /** Every record on a window topic, the last one per entity, size and start (a replay replaces). */
    private Map<String, MetricsWindow> windowRecords(Topic<String, MetricsWindow> topic) {
        Map<String, MetricsWindow> latest = new TreeMap<>();
        try (KafkaConsumer<String, MetricsWindow> consumer = broker.newConsumer(topic)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, MetricsWindow> record : consumer.poll(Duration.ofMillis(500))) {
                    MetricsWindow w = record.value();
                    latest.put(w.getEntity() + "@" + w.getWindowSizeMillis() + "@" + w.getWindowStartMillis(), w);
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return latest;
    }

    /** A window record as the History API must serve it (its resolution: whole microcores and KiB). */
    private static String expected(MetricsWindow w) {
        return MetricsJson.rfc3339(w.getWindowStartMillis()) + " cpu " + cpu(w.getCpuCoresAvg()) + "/"
                + cpu(w.getCpuCoresMax()) + "/" + cpu(w.getCpuCoresP95()) + " memory " + memory(w.getMemoryBytesAvg())
                + "/" + memory(w.getMemoryBytesMax()) + "/" + memory(w.getMemoryBytesP95());
    }

    private static String cpu(double cores) {
        return Quantities.cpu(WindowHistory.microcores(cores) * 1000L);
    }

    private static String memory(double bytes) {
        return Quantities.memory(Integer.toUnsignedLong(WindowHistory.kibibytes(bytes)) * 1024);
    }

    private static List<String> served(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode i : list.get("items")) {
            out.add(i.get("timestamp").asText() + " cpu " + i.at("/cpu/avg").asText() + "/" + i.at("/cpu/max").asText()
                    + "/" + i.at("/cpu/p95").asText() + " memory " + i.at("/memory/avg").asText() + "/"
                    + i.at("/memory/max").asText() + "/" + i.at("/memory/p95").asText());
        }
        return out;
    }

    private static List<String> fromTopic(Map<String, MetricsWindow> records, String entity, long sizeMillis) {
        return records.values().stream().filter(w -> w.getEntity().equals(entity)
                && w.getWindowSizeMillis() == sizeMillis).map(HistoryAndWebViewIT::expected).sorted().toList();
    }

    @Test
    void the_history_api_read_with_client_java_equals_the_window_topics_records() throws Exception {
        Map<String, MetricsWindow> pods = windowRecords(chain.topics.podMetricsWindows());
        Map<String, MetricsWindow> nodes = windowRecords(chain.topics.nodeMetricsWindows());
        String range = "&start=" + Instant.ofEpochMilli(firstMillis) + "&end=" + Instant.ofEpochMilli(
                chain.clock.millis());
        int compared = 0;
        for (String pod : runningPods) {
            JsonNode list = history("/namespaces/" + pod.replace("/", "/pods/") + "?window=1m" + range).orElseThrow();
            List<String> expected = fromTopic(pods, pod, MINUTE);
            assertEquals(expected, served(list), pod);
            compared += expected.size();
        }
        for (String node : chain.sim.nodes().stream().map(n -> n.name()).toList()) {
            for (String size : List.of("1m", "5m")) {
                JsonNode list = history("/nodes/" + node + "?window=" + size + range).orElseThrow();
                List<String> expected = fromTopic(nodes, node, size.equals("1m") ? MINUTE : 5 * MINUTE);
                assertEquals(expected, served(list), node + " " + size);
                compared += expected.size();
            }
        }
        assertTrue(compared >= runningPods.size() * 4 + 2 * 5, "windows compared: " + compared);

        // the namespace roll-up is the per-window sum of its pods' records
        String namespace = runningPods.get(0).split("/")[0];
        TreeMap<String, long[]> sums = new TreeMap<>();
        pods.values().stream().filter(w -> w.getWindowSizeMillis() == MINUTE
                && w.getEntity().startsWith(namespace + "/")).forEach(w -> {
                    long[] s = sums.computeIfAbsent(MetricsJson.rfc3339(w.getWindowStartMillis()), k -> new long[2]);
                    s[0] += WindowHistory.microcores(w.getCpuCoresAvg()) * 1000L;
                    s[1]++;
                });
        JsonNode rollUp = history("/namespaces/" + namespace + "?window=1m" + range).orElseThrow();
        assertEquals("NamespaceWindowList", rollUp.get("kind").asText());
        List<String> servedSums = new ArrayList<>();
        rollUp.get("items").forEach(i -> servedSums.add(i.get("timestamp").asText() + " " + i.at("/cpu/avg").asText()
                + " " + i.get("pods").asInt()));
        List<String> expectedSums = new ArrayList<>();
        sums.forEach((t, s) -> expectedSums.add(t + " " + Quantities.cpu(s[0]) + " " + s[1]));
        assertEquals(expectedSums, servedSums);
    }

    // ---- the web view in a real browser ----

    @Test
    void the_web_view_in_headless_chromium_fills_its_tables_from_the_api_and_draws_a_pods_history()
            throws Exception {
        Optional<Path> executable = HeadlessChromium.executable();
        Assumptions.assumeTrue(executable.isPresent(), "chromium is not installed (apt-get install -y chromium; "
                + ".ci/run installs it): the browser test is skipped");
        JsonNode apiPods = get("/apis/metrics.k8s.io/v1beta1/pods").orElseThrow();
        Map<String, Long> apiCpu = new TreeMap<>();
        for (JsonNode pod : apiPods.get("items")) {
            long cpu = 0;
            for (JsonNode c : pod.get("containers")) {
                cpu += new io.kubernetes.client.custom.Quantity(c.at("/usage/cpu").asText()).getNumber()
                        .movePointRight(9).longValueExact();
            }
            apiCpu.put(pod.at("/metadata/namespace").asText() + "/" + pod.at("/metadata/name").asText(), cpu);
        }
        assertEquals(new TreeSet<>(runningPods), apiCpu.keySet(), "the API serves every running pod");

        try (HeadlessChromium browser = HeadlessChromium.start(executable.get(), dir.resolve("chromium-profile"),
                dir.resolve("chromium.log"))) {
            browser.navigate(chain.httpsBase() + "/ui/");
            await().atMost(WAIT).until(() -> browser.eval("document.querySelectorAll('#pods tbody tr').length")
                    .asInt() == apiCpu.size() && browser.eval("document.querySelectorAll('#nodes tbody tr').length")
                    .asInt() == 2);

            // a pod's CPU as shown equals what the API serves for it
            JsonNode row = browser.eval("(() => { const r = document.querySelector('#pods tbody tr'); return {"
                    + "key: r.dataset.namespace + '/' + r.dataset.name, nanocores: r.querySelector('td.cpu')"
                    + ".dataset.nanocores, text: r.querySelector('td.cpu').textContent}; })()");
            String key = row.get("key").asText();
            long nanocores = apiCpu.get(key);
            assertEquals(nanocores, row.get("nanocores").asLong(), key);
            assertEquals((long) Math.ceil(nanocores / 1e6) + "m", row.get("text").asText(), key);
            long sortedMax = apiCpu.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertEquals(sortedMax, row.get("nanocores").asLong(), "sorted by CPU, the busiest pod first");

            // filtering by namespace and label selector is evaluated by the API
            String namespace = key.split("/")[0];
            long inNamespace = apiCpu.keySet().stream().filter(k -> k.startsWith(namespace + "/")).count();
            browser.eval("(() => { const s = document.getElementById('namespace'); s.value = '" + namespace + "';"
                    + " s.dispatchEvent(new Event('change')); return true; })()");
            await().atMost(WAIT).until(() -> browser.eval("Array.from(document.querySelectorAll('#pods tbody tr'))"
                    + ".map(r => r.dataset.namespace).filter(n => n === '" + namespace + "').length + ':' + "
                    + "document.querySelectorAll('#pods tbody tr').length").asText()
                    .equals(inNamespace + ":" + inNamespace));
            browser.eval("(() => { document.getElementById('podSelector').value = 'app in (';"
                    + " document.querySelector('#filters button[type=submit]').click(); return true; })()");
            await().atMost(WAIT).until(() -> browser.eval("document.getElementById('error').hidden ? '' : "
                    + "document.getElementById('error').textContent").asText().contains("labelSelector")
                    || browser.eval("document.getElementById('error').textContent").asText().contains("selector"));
            browser.eval("(() => { document.getElementById('podSelector').value = '';"
                    + " const s = document.getElementById('namespace'); s.value = '';"
                    + " s.dispatchEvent(new Event('change')); return true; })()");
            await().atMost(WAIT).until(() -> browser.eval("document.getElementById('error').hidden && "
                    + "document.querySelectorAll('#pods tbody tr').length === " + apiCpu.size()).asBoolean());

            // opening the pod's chart draws its 1-minute windows
            int windows = history("/namespaces/" + key.replace("/", "/pods/") + "?window=1m").orElseThrow()
                    .get("items").size();
            browser.eval("(() => { document.querySelector('#pods tbody tr[data-name=\"" + key.split("/")[1]
                    + "\"]').click(); return true; })()");
            await().atMost(WAIT).until(() -> browser.eval("document.getElementById('cpuChart').dataset.points")
                    .asInt() == windows);
            int painted = browser.eval("(() => { const c = document.querySelector('#cpuChart canvas');"
                    + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + " for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; })()").asInt();
            assertTrue(painted > 100, "the CPU chart painted pixels: " + painted);
            assertTrue(browser.eval("document.getElementById('chartTitle').textContent").asText().contains(key));
            browser.screenshot(SCREENSHOT);
        }
        assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot " + SCREENSHOT.toAbsolutePath());
    }
}
