package dev.metricsstream.bench.gateway;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.auth.AuthFilter;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.tls.TestPki;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's HTTP answers over a large in-memory store, in process (no Kafka): {@code nodes} nodes with
 * {@code podsPerNode} pods each, two containers a pod (150,000 pods on 3,000 nodes by default). Measures how long
 * decoding that many PodMetrics from Avro takes, the size and time of the all-pods list, one namespace's pods and
 * {@code /metrics/usage} (identity and gzip; round 0 warms up, rounds 1-3 are recorded), and what a client_java
 * MultiCollector would have to build per scrape for the container families alone. Writes JSON to
 * {@code bench/results/}.
 *
 * <pre>
 * java -Xmx4g -cp … dev.metricsstream.bench.gateway.GatewayFiguresMain [nodes] [podsPerNode]
 * </pre>
 */
public final class GatewayFiguresMain {
    private static final int ROUNDS = 4;

    private GatewayFiguresMain() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int podsPerNode = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        long now = System.currentTimeMillis();
        Topic<String, PodMetrics> podTopic = Topics.defaults().podMetrics();
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        List<byte[]> encoded = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String nodeName = String.format(Locale.ROOT, "node-%04d", n);
            store.putNode(NodeMetrics.newBuilder().setNodeName(nodeName)
                    .setLabels(Map.of("kubernetes.io/hostname", nodeName)).setTimestampMillis(now - 5_000)
                    .setWindowNanos(15_012_000_000L).setCpuNanocores(1_234_567_890L)
                    .setMemoryWorkingSetBytes(8L * 1024 * 1024 * 1024).build());
            for (int p = 0; p < podsPerNode; p++) {
                PodMetrics pod = PodMetrics.newBuilder().setNamespace("team-" + (n % 500))
                        .setName(String.format(Locale.ROOT, "app-%04d-%02d-7d9f8b6c5d-x2k4q", n, p))
                        .setNodeName(nodeName)
                        .setLabels(Map.of("app", "app-" + p, "pod-template-hash", "7d9f8b6c5d", "team", "t" + (n % 500)))
                        .setTimestampMillis(now - 5_000).setWindowNanos(15_012_000_000L)
                        .setContainers(List.of(new ContainerMetrics("main", 123_456_789L, 256L * 1024 * 1024 + p),
                                new ContainerMetrics("istio-proxy", 4_567_890L, 64L * 1024 * 1024)))
                        .build();
                store.putPod(pod);
                encoded.add(podTopic.valueSerde().serializer().serialize(podTopic.name(), pod));
            }
        }
        System.out.printf("store: %d nodes, %d pods%n", store.nodeCount(), store.podCount());

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "gateway-figures");
        result.put("time", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("loadAverage", Machine.loadAverage());
        result.put("nodes", nodes);
        result.put("pods", store.podCount());
        result.put("containersPerPod", 2);

        long decodeStart = System.nanoTime();
        long containers = 0;
        for (byte[] bytes : encoded) {
            containers += podTopic.valueSerde().deserializer().deserialize(podTopic.name(), bytes).getContainers()
                    .size();
        }
        long decodeMillis = (System.nanoTime() - decodeStart) / 1_000_000;
        System.out.printf("decode %d PodMetrics from Avro: %d ms (%d containers)%n", encoded.size(), decodeMillis,
                containers);
        result.put("avroDecode", Map.of("records", encoded.size(), "millis", decodeMillis));

        TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "bench");
        List<Map<String, Object>> requests = new ArrayList<>();
        try (GatewayServer server = GatewayServer.start(new Serving("127.0.0.1", 0, -1, tls),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(store, InstantSource.fixed(Instant.ofEpochMilli(now)), AuthFilter.NONE,
                        new PrometheusRegistry(), new Health()))) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestPki.trusting(tls.certificate())).build();
            String base = "https://localhost:" + server.httpsPort();
            for (int round = 0; round < ROUNDS; round++) {
                for (String path : List.of("/apis/metrics.k8s.io/v1beta1/pods",
                        "/apis/metrics.k8s.io/v1beta1/namespaces/team-7/pods", "/metrics/usage")) {
                    for (String encoding : List.of("identity", "gzip")) {
                        Map<String, Object> measured = measure(http, base, path, encoding);
                        if (round > 0) { // round 0 warms up
                            measured.put("round", round);
                            requests.add(measured);
                            System.out.printf("round %d %-55s %-8s %,12d bytes %6d ms%n", round, path, encoding,
                                    measured.get("bytes"), measured.get("millis"));
                        }
                    }
                }
            }
        }
        result.put("requests", requests);
        result.put("multiCollectorEquivalent", multiCollectorEquivalent(store));

        System.out.println(ResultFile.json(result));
        Path file = ResultFile.write(Path.of(System.getProperty("bench.results", "bench/results")),
                "gateway-figures-" + store.podCount() + "pods", result);
        System.out.println("written " + file);
    }

    private static Map<String, Object> measure(HttpClient http, String base, String path, String encoding)
            throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept-Encoding", encoding).build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[65536];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                bytes += read;
            }
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        Map<String, Object> measured = new LinkedHashMap<>();
        measured.put("path", path);
        measured.put("acceptEncoding", encoding);
        measured.put("bytes", bytes);
        measured.put("millis", (System.nanoTime() - start) / 1_000_000);
        return measured;
    }

    /** What a client_java MultiCollector would have to build per scrape for the container families alone. */
    private static Map<String, Object> multiCollectorEquivalent(InMemoryMetricsStore store) {
        System.gc();
        long before = usedHeap();
        long start = System.nanoTime();
        GaugeSnapshot.Builder cpu = GaugeSnapshot.builder().name("metrics_stream_container_cpu_usage_cores");
        GaugeSnapshot.Builder memory = GaugeSnapshot.builder().name("metrics_stream_container_memory_working_set_bytes");
        store.forEachPod(pod -> {
            for (ContainerMetrics container : pod.getContainers()) {
                Labels labels = Labels.of("namespace", pod.getNamespace(), "pod", pod.getName(), "container",
                        container.getName(), "node", pod.getNodeName());
                cpu.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(container.getCpuNanocores() / 1e9).scrapeTimestampMillis(pod.getTimestampMillis()).build());
                memory.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels)
                        .value(container.getMemoryWorkingSetBytes()).scrapeTimestampMillis(pod.getTimestampMillis()).build());
            }
        });
        MetricSnapshots snapshots = MetricSnapshots.of(cpu.build(), memory.build());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long retained = usedHeap() - before;
        int dataPoints = snapshots.get(0).getDataPoints().size() * 2;
        System.out.printf("MultiCollector-style snapshots, container families only: %d data points, %d ms, "
                + "~%d MiB retained until written%n", dataPoints, millis, retained >> 20);
        return Map.of("dataPoints", dataPoints, "millis", millis, "retainedHeapMiB", retained >> 20);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
