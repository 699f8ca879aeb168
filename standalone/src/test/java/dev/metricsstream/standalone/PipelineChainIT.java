package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimContainer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import io.kubernetes.client.Metrics;
import io.kubernetes.client.custom.NodeMetricsList;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * The whole chain on a real broker: kubelet simulator (3 nodes × 20 pods, real HTTPS and wire formats) → collector →
 * broker → aggregator → gateway (HTTPS, authentication off), driven on the simulator's clock (15 s per round without
 * waiting). A container restarts and a pod is deleted on the way. Checked against the simulator's truth: the
 * compacted topics, then what the real clients read from the gateway: client-java's
 * {@code Metrics}, {@code kubectl top}, and an HPA-shaped request with a label selector.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineChainIT {
    static final String TOKEN = "chain-token";
    static final Duration RESOLUTION = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int ROUNDS = 8;
    static final int RESTART_ROUND = 3;
    static final int DELETE_ROUND = 5;

    private final KafkaBroker broker;
    private final Topics topics;
    private Path dir;
    private SimClock clock;
    private KubeletSimulator sim;
    private CollectorApp collector;
    private AggregatorApp aggregator;
    private GatewayApp gateway;
    private MetricsTopicsReader out;
    private String restartedKey;
    private long restartSampleMillis;
    private String deletedKey;
    /** per pod: the true CPU rate of each round's interval (the rates are constant per container here) */
    private final Map<String, Long> podTruth = new HashMap<>();
    /** per node: (clock time from which a rate holds, that rate) */
    private final Map<String, List<long[]>> nodeRates = new HashMap<>();

    PipelineChainIT(KafkaBroker broker) {
        this.broker = broker;
        this.topics = broker.createUniqueTopics(3);
    }

    @BeforeAll
    void run_the_chain_for_eight_rounds() throws Exception {
        dir = Files.createTempDirectory("pipeline-chain-it");
        clock = SimClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5)));
        sim = KubeletSimulator.builder().nodes(3).podsPerNode(20).seed(42).clock(clock).token(TOKEN)
                .wholeSecondSamples(true).build().start();
        aggregator = AggregatorApp.start(AggregatorConfig.from(aggregatorEnv()), AggregatorApp.Deps.production());
        gateway = GatewayApp.start(GatewayConfig.from(gatewayEnv()),
                GatewayApp.Deps.production().withClock(clock).withRegistry(new PrometheusRegistry()));
        collector = CollectorApp.start(CollectorConfig.from(collectorEnv()), CollectorApp.Deps.production()
                .withClock(clock).withRegistry(new PrometheusRegistry())
                .withLoopStart(CollectorApp.LoopStart.callerDriven()));
        out = new MetricsTopicsReader(broker.clientConfig(), topics);

        SimPod restarted = runningPods(sim.nodes().get(0)).get(2);
        SimContainer restartedContainer = restarted.containers().get(0);
        SimPod deleted = runningPods(sim.nodes().get(1)).get(4);
        restartedKey = key(restarted);
        deletedKey = key(deleted);
        for (SimNode node : sim.nodes()) {
            nodeRates.computeIfAbsent(node.name(), k -> new ArrayList<>())
                    .add(new long[] {Long.MIN_VALUE, node.trueCpuNanocores()});
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
                nodeRates.get(node.name()).add(new long[] {clock.millis(), node.trueCpuNanocores()});
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
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {out, collector, gateway, aggregator, sim}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- the topics ----

    @Test
    void pod_and_node_metrics_topics_hold_the_simulators_true_rates_within_one_percent() {
        List<String> wrong = new ArrayList<>();
        for (ConsumerRecord<String, PodMetrics> record : out.podRecords()) {
            if (record.value() == null) {
                continue;
            }
            long cpu = record.value().getContainers().stream().mapToLong(ContainerMetrics::getCpuNanocores).sum();
            check(wrong, record.key() + "@" + record.value().getTimestampMillis(), cpu, podTruth.get(record.key()));
        }
        for (ConsumerRecord<String, NodeMetrics> record : out.nodeRecords()) {
            if (record.value() != null) {
                checkNode(wrong, record.key(), record.value(), nodeRates.get(record.key()));
            }
        }
        assertEquals(List.of(), wrong, "values off by more than 1 % of the simulator's truth");
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
        for (PodMetrics value : values) {
            for (ContainerMetrics c : value.getContainers()) {
                assertTrue(c.getCpuNanocores() >= 0, "negative: " + value);
            }
            long cpu = value.getContainers().stream().mapToLong(ContainerMetrics::getCpuNanocores).sum();
            assertTrue(Math.abs(cpu - truth) <= Math.max(truth / 100, 1_000), "off (spike or dip): " + cpu
                    + " vs true " + truth + " in " + value);
        }
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
        List<String> wrong = new ArrayList<>();
        for (SimNode node : sim.nodes()) {
            check(wrong, node.name(), served.get(node.name()), node.trueCpuNanocores());
        }
        assertEquals(List.of(), wrong);
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
        List<String> wrong = new ArrayList<>();
        served.forEach((k, cpu) -> check(wrong, k, cpu, podTruth.get(k)));
        assertEquals(List.of(), wrong);
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
        List<String> wrong = new ArrayList<>();
        printed.forEach((k, m) -> {
            long truth = podTruth.get(k);
            // kubectl prints whole millicores: 1 % of the truth or the rounding, whichever is larger
            if (Math.abs(m * 1_000_000 - truth) > Math.max(truth / 100, 1_000_000)) {
                wrong.add(k + ": " + m + "m vs true " + truth + " n");
            }
        });
        assertEquals(List.of(), wrong);
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
        for (List<String> row : rows.subList(1, rows.size())) {
            long t = truth.get(row.get(0) + "/" + row.get(1));
            long m = millicores(row.get(2));
            assertTrue(Math.abs(m * 1_000_000 - t) <= Math.max(t / 100, 1_000_000), row + " vs true " + t);
        }
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

    /**
     * A node value covers (timestamp − window, timestamp]. Where the true rate held over the whole interval it must
     * be within 1 %; where it changed inside (a pod deleted), it must lie between the rates before and after.
     */
    private static void checkNode(List<String> wrong, String node, NodeMetrics value, List<long[]> rates) {
        long endMillis = value.getTimestampMillis();
        long startMillis = endMillis - value.getWindowNanos() / 1_000_000;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < rates.size(); i++) {
            long from = rates.get(i)[0];
            long until = i + 1 < rates.size() ? rates.get(i + 1)[0] : Long.MAX_VALUE;
            if (from < endMillis && until > startMillis) {
                min = Math.min(min, rates.get(i)[1]);
                max = Math.max(max, rates.get(i)[1]);
            }
        }
        long cpu = value.getCpuNanocores();
        if (min == max) {
            check(wrong, node + "@" + endMillis, cpu, min);
        } else if (cpu < min - min / 100 || cpu > max + max / 100) {
            wrong.add(node + "@" + endMillis + ": " + cpu + " outside [" + min + ", " + max + "] around a change");
        }
    }

    /** Adds a line to {@code wrong} when the value is off by more than 1 % (floor 1 µcore for idle containers). */
    private static void check(List<String> wrong, String key, Long value, Long truth) {
        if (truth == null || value == null) {
            wrong.add(key + " has no " + (truth == null ? "truth" : "value"));
        } else if (value < 0 || Math.abs(value - truth) > Math.max(truth / 100, 1_000)) {
            wrong.add(key + ": " + value + " vs true " + truth);
        }
    }

    private static List<SimPod> runningPods(SimNode node) {
        return node.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING).toList();
    }

    private static String key(SimPod pod) {
        return pod.namespace() + "/" + pod.name();
    }

    private Map<String, String> collectorEnv() throws Exception {
        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Map<String, String> env = new HashMap<>();
        env.put("KUBELET_TARGETS", sim.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                .collect(Collectors.joining(",")));
        env.put("KUBELET_CA_FILE", ca.toString());
        env.put("TOKEN_FILE", token.toString());
        env.put("METADATA_SOURCE", "kubelet");
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("OPS_PORT", "-1");
        env.put("SHUTDOWN_TIMEOUT", "10s");
        return env;
    }

    private Map<String, String> aggregatorEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("APPLICATION_ID", "chain-" + topics.prefix().replace(".", ""));
        env.put("STATE_DIR", dir.resolve("aggregator-state").toString());
        env.put("OPS_PORT", "-1");
        env.put("STALENESS_BOUND", "10m"); // simulated time runs ahead of the wall clock here
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        return env;
    }

    private Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("APPLICATION_ID", "chain-gateway-" + topics.prefix().replace(".", ""));
        env.put("STATE_DIR", dir.resolve("gateway-state").toString());
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("HTTPS_PORT", "0");
        env.put("HTTP_PORT", "0");
        env.put("AUTH_MODE", "off");
        return env;
    }
}
