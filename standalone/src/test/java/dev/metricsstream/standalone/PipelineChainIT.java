package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimContainer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import dev.metricsstream.testkit.pipeline.RateHistory;
import dev.metricsstream.testkit.pipeline.TruthCheck;
import io.kubernetes.client.Metrics;
import io.kubernetes.client.custom.NodeMetricsList;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole chain on a real broker, the project's one chain IT: kubelet simulator (3 nodes × 20 pods, real HTTPS and
 * wire formats) → collector → broker → aggregator → gateway (HTTPS, authentication off), driven on the simulator's
 * clock (15 s per round without waiting; {@link SimulatedChain}). A container restarts and a pod is deleted on the
 * way. Checked against the simulator's truth ({@link TruthCheck}): the compacted topics (every pod and node value
 * within 1 %, no negative container, the deleted pod tombstoned, the restarted one served again), then what the real
 * clients read from the gateway: client-java's {@code Metrics}, {@code kubectl top}, and an HPA-shaped request with a
 * label selector.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineChainIT {
    static final Duration RESOLUTION = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int ROUNDS = 8;
    static final int RESTART_ROUND = 3;
    static final int DELETE_ROUND = 5;

    private final KafkaBroker broker;
    private Path dir;
    private SimulatedChain chain;
    private KubeletSimulator sim;
    private GatewayApp gateway;
    private MetricsTopicsReader out;
    private String restartedKey;
    private long restartSampleMillis;
    private String deletedKey;
    /** per pod: the true CPU rate of each round's interval (the rates are constant per container here) */
    private final Map<String, Long> podTruth = new HashMap<>();
    /** per node: its true CPU rate over the simulated time (it changes when a pod is deleted) */
    private final Map<String, RateHistory> nodeTruth = new HashMap<>();

    PipelineChainIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @BeforeAll
    void run_the_chain_for_eight_rounds() throws Exception {
        dir = Files.createTempDirectory("pipeline-chain-it");
        chain = new SimulatedChain(broker, dir,
                SimClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5))),
                KubeletSimulator.builder().nodes(3).podsPerNode(20).seed(42).wholeSecondSamples(true));
        sim = chain.sim;
        gateway = chain.gateway;
        SimClock clock = chain.clock;
        CollectorApp collector = chain.collector;
        out = new MetricsTopicsReader(broker.clientConfig(), chain.topics);

        SimPod restarted = runningPods(sim.nodes().get(0)).get(2);
        SimContainer restartedContainer = restarted.containers().get(0);
        SimPod deleted = runningPods(sim.nodes().get(1)).get(4);
        restartedKey = key(restarted);
        deletedKey = key(deleted);
        for (SimNode node : sim.nodes()) {
            nodeTruth.put(node.name(), RateHistory.since(node.trueCpuNanocores()));
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (SimNode node : sim.nodes()) {
                for (SimPod pod : runningPods(node)) {
                    podTruth.put(key(pod), pod.trueCpuNanocores());
                }
            }
            clock.advance(RESOLUTION);
            if (round == RESTART_ROUND) {
                restartedContainer.restart();
            }
            if (round == DELETE_ROUND) {
                sim.nodes().get(1).deletePod(deleted.namespace(), deleted.name());
            }
            for (SimNode node : sim.nodes()) {
                nodeTruth.get(node.name()).from(clock.millis(), node.trueCpuNanocores());
            }
            collector.scrapeOnce();
        }
        restartSampleMillis = restartedContainer.startTime().orElseThrow().toEpochMilli();
        await().atMost(WAIT).until(() -> collector.publisher().sentCount() == 3L * ROUNDS);

        long lastSample = sim.nodes().stream().mapToLong(n -> n.sampleTime().toEpochMilli()).min().orElseThrow();
        Set<String> running = runningKeys();
        await().atMost(WAIT).until(() -> {
            out.drain();
            return running.stream().allMatch(k -> out.latestPods().get(k) != null
                    && out.latestPods().get(k).getTimestampMillis() >= lastSample - RESOLUTION.toMillis())
                    && out.latestPods().containsKey(deletedKey) && out.latestPods().get(deletedKey) == null;
        });
        // the gateway reads the same topics: wait until it serves every Running pod and no deleted one
        await().atMost(WAIT).until(() -> running.stream().allMatch(k -> servedByGateway(k))
                && !servedByGateway(deletedKey));
    }

    @AfterAll
    void stop() throws Exception {
        SimulatedChain.closeAll(null, out, chain);
    }

    // ---- the topics ----

    @Test
    void pod_and_node_metrics_topics_hold_the_simulators_true_rates_within_one_percent() {
        TruthCheck check = TruthCheck.cpu();
        for (ConsumerRecord<String, PodMetrics> record : out.podRecords()) {
            if (record.value() == null) {
                continue;
            }
            long cpu = record.value().getContainers().stream().mapToLong(ContainerMetrics::getCpuNanocores).sum();
            if (check.value(record.key() + "@" + record.value().getTimestampMillis(), cpu,
                    podTruth.get(record.key()))) {
                check.miss("  " + record.value() + (record.key().equals(restartedKey) ? " (restarted)" : ""));
            }
            for (ContainerMetrics c : record.value().getContainers()) {
                if (c.getCpuNanocores() < 0) {
                    check.miss(record.key() + "/" + c.getName() + " negative");
                }
            }
        }
        for (ConsumerRecord<String, NodeMetrics> record : out.nodeRecords()) {
            if (record.value() != null) {
                check.node(record.key(), record.value(), nodeTruth.get(record.key()));
            }
        }
        check.assertNone("values off by more than 1 % of the simulator's truth");
        assertTrue(out.podRecords().size() >= runningKeys().size() * (ROUNDS - 2), "pod values published: "
                + out.podRecords().size());
        assertEquals(3, out.latestNodes().values().stream().filter(v -> v != null).count(), "every node published");
    }

    @Test
    void the_deleted_pod_is_tombstoned_and_exactly_the_running_pods_remain() {
        assertTrue(out.latestPods().containsKey(deletedKey), "the deleted pod had values before");
        assertNull(out.latestPods().get(deletedKey), "the deleted pod's last record is a tombstone");
        assertEquals(runningKeys(), out.latestPods().entrySet().stream().filter(e -> e.getValue() != null)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void the_restarted_container_recovers_without_a_negative_or_spiking_value() {
        List<PodMetrics> values = out.podRecords().stream().filter(r -> r.key().equals(restartedKey))
                .map(ConsumerRecord::value).filter(v -> v != null).toList();
        long truth = podTruth.get(restartedKey);
        TruthCheck check = TruthCheck.cpu();
        for (PodMetrics value : values) {
            for (ContainerMetrics c : value.getContainers()) {
                if (c.getCpuNanocores() < 0) {
                    check.miss("negative: " + value);
                }
            }
            long cpu = value.getContainers().stream().mapToLong(ContainerMetrics::getCpuNanocores).sum();
            check.value("off (spike or dip) in " + value, cpu, truth);
        }
        check.assertNone("the restarted container's pod at its true rate throughout");
        long after = values.stream().filter(v -> v.getTimestampMillis() > restartSampleMillis).count();
        assertTrue(after >= 2, "served again after the restart, values after it: " + after);
    }

    // ---- the gateway, read by real clients ----

    @Test
    void client_java_metrics_decodes_node_metrics_matching_the_truth() throws Exception {
        NodeMetricsList nodes = new Metrics(apiClient()).getNodeMetrics();

        Map<String, Long> served = new TreeMap<>();
        nodes.getItems().forEach(n -> served.put(n.getMetadata().getName(), nanocores(n.getUsage().get("cpu"))));
        assertEquals(sim.nodes().stream().map(SimNode::name).collect(Collectors.toCollection(TreeSet::new)),
                served.keySet());
        TruthCheck check = TruthCheck.cpu();
        for (SimNode node : sim.nodes()) {
            check.value(node.name(), served.get(node.name()), node.trueCpuNanocores());
        }
        check.assertNone("node CPU served to client-java");
        nodes.getItems().forEach(n -> assertTrue(n.getUsage().get("memory").getNumber().signum() > 0, n.toString()));
    }

    @Test
    void client_java_metrics_with_a_label_selector_decodes_exactly_the_matching_pods() throws Exception {
        Selection web = pickSelection();

        PodMetricsList pods = new Metrics(apiClient()).getPodMetrics(web.namespace(), "app=" + web.app());

        Map<String, Long> served = new TreeMap<>();
        pods.getItems().forEach(p -> served.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(),
                p.getContainers().stream().mapToLong(c -> nanocores(c.getUsage().get("cpu"))).sum()));
        assertEquals(web.expectedKeys(), served.keySet());
        TruthCheck check = TruthCheck.cpu();
        served.forEach((k, cpu) -> check.value(k, cpu, podTruth.get(k)));
        check.assertNone("pod CPU served to client-java");
    }

    @Test
    void an_hpa_shaped_request_returns_exactly_the_running_pods_carrying_the_label() throws Exception {
        Selection web = pickSelection();
        String path = "/apis/metrics.k8s.io/v1beta1/namespaces/" + web.namespace() + "/pods?labelSelector=app%3D"
                + web.app();

        JsonNode body = getJson(path);

        assertEquals("PodMetricsList", body.get("kind").asText(), body.toString());
        Set<String> names = new TreeSet<>();
        for (JsonNode item : body.get("items")) {
            assertEquals(web.app(), item.get("metadata").get("labels").get("app").asText(), item.toString());
            names.add(web.namespace() + "/" + item.get("metadata").get("name").asText());
        }
        assertEquals(web.expectedKeys(), names);
        assertTrue(web.othersInNamespace() > 0, "the namespace has pods the selector must leave out");
    }

    @Test
    void kubectl_top_pod_all_namespaces_prints_every_running_pod_with_its_true_cpu() throws Exception {
        Path kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), gateway.httpsPort());

        Kubectl.Result result = Kubectl.run(kubeconfig, dir, "top", "pod", "-A");

        assertEquals(0, result.exitCode(), result.stderr());
        List<List<String>> rows = result.rows();
        assertEquals(List.of("NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"), rows.get(0));
        Map<String, Long> printed = new TreeMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            printed.put(row.get(0) + "/" + row.get(1), millicores(row.get(2)));
            assertTrue(row.get(3).endsWith("Mi") && Long.parseLong(row.get(3).replace("Mi", "")) >= 0, row.toString());
        }
        assertEquals(runningKeys(), printed.keySet());
        // kubectl prints whole millicores: 1 % of the truth or the rounding, whichever is larger
        TruthCheck check = TruthCheck.onePercent(TruthCheck.MILLICORE_NANOCORES);
        printed.forEach((k, m) -> check.value(k + " (" + m + "m)", m * TruthCheck.MILLICORE_NANOCORES,
                podTruth.get(k)));
        check.assertNone("kubectl top pod -A");
    }

    @Test
    void kubectl_top_pod_with_containers_prints_one_row_per_running_container_of_the_namespace() throws Exception {
        Path kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), gateway.httpsPort());
        String namespace = pickSelection().namespace();

        Kubectl.Result result = Kubectl.run(kubeconfig, dir, "top", "pod", "-n", namespace, "--containers");

        assertEquals(0, result.exitCode(), result.stderr());
        List<List<String>> rows = result.rows();
        assertEquals(List.of("POD", "NAME", "CPU(cores)", "MEMORY(bytes)"), rows.get(0));
        Set<String> printed = rows.subList(1, rows.size()).stream().map(r -> r.get(0) + "/" + r.get(1))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>();
        Map<String, Long> truth = new HashMap<>();
        sim.nodes().forEach(n -> runningPods(n).stream().filter(p -> p.namespace().equals(namespace))
                .forEach(p -> p.containers().forEach(c -> {
                    expected.add(p.name() + "/" + c.name());
                    truth.put(p.name() + "/" + c.name(), c.trueCpuNanocores());
                })));
        assertEquals(expected, printed);
        TruthCheck check = TruthCheck.onePercent(TruthCheck.MILLICORE_NANOCORES);
        for (List<String> row : rows.subList(1, rows.size())) {
            check.value(row.toString(), millicores(row.get(2)) * TruthCheck.MILLICORE_NANOCORES,
                    truth.get(row.get(0) + "/" + row.get(1)));
        }
        check.assertNone("kubectl top pod --containers");
    }

    // ---- helpers ----

    /** A namespace and an {@code app} label value carried by at least two Running pods, with other pods beside. */
    record Selection(String namespace, String app, Set<String> expectedKeys, long othersInNamespace) {
    }

    private Selection pickSelection() {
        Map<String, Map<String, Set<String>>> byNamespaceAndApp = new TreeMap<>();
        sim.nodes().forEach(n -> runningPods(n).forEach(p -> byNamespaceAndApp
                .computeIfAbsent(p.namespace(), k -> new TreeMap<>())
                .computeIfAbsent(p.labels().getOrDefault("app", ""), k -> new TreeSet<>()).add(key(p))));
        return byNamespaceAndApp.entrySet().stream()
                .flatMap(ns -> ns.getValue().entrySet().stream().filter(a -> !a.getKey().isEmpty())
                        .map(a -> new Selection(ns.getKey(), a.getKey(), a.getValue(),
                                ns.getValue().values().stream().mapToLong(Set::size).sum() - a.getValue().size())))
                .filter(s -> s.expectedKeys().size() >= 2 && s.othersInNamespace() > 0)
                .max(Comparator.comparingInt((Selection s) -> s.expectedKeys().size()))
                .orElseThrow(() -> new AssertionError("the fleet has no label shared by two pods: " + byNamespaceAndApp));
    }

    private boolean servedByGateway(String key) {
        String[] parts = key.split("/", 2);
        return gateway.store().pod(parts[0], parts[1]).isPresent();
    }

    private ApiClient apiClient() throws Exception {
        return new ClientBuilder().setBasePath("https://127.0.0.1:" + gateway.httpsPort())
                .setVerifyingSsl(false).setAuthentication(new AccessTokenAuthentication("any-token")).build();
    }

    private JsonNode getJson(String path) throws Exception {
        ApiClient client = apiClient();
        Request request = new Request.Builder().url(client.getBasePath() + path).header("Accept", "application/json")
                .build();
        try (Response response = client.getHttpClient().newCall(request).execute()) {
            String body = response.body().string();
            assertEquals(200, response.code(), body);
            return new ObjectMapper().readTree(body);
        }
    }

    private static long nanocores(io.kubernetes.client.custom.Quantity quantity) {
        return quantity.getNumber().multiply(BigDecimal.valueOf(1_000_000_000L)).longValueExact();
    }

    private static long millicores(String printed) {
        assertTrue(printed.endsWith("m"), "CPU printed in millicores: " + printed);
        return Long.parseLong(printed.substring(0, printed.length() - 1));
    }

    private Set<String> runningKeys() {
        return sim.nodes().stream().flatMap(n -> runningPods(n).stream()).map(PipelineChainIT::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<SimPod> runningPods(SimNode node) {
        return node.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING).toList();
    }

    private static String key(SimPod pod) {
        return pod.namespace() + "/" + pod.name();
    }
}
