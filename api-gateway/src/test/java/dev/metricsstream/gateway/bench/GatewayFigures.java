package dev.metricsstream.gateway.bench;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.store.RecordCodec;
import dev.metricsstream.gateway.support.TestGateway;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figures for the report (not a test; run by hand): 150,000 pods on 3,000 nodes, two containers each.
 * {@code java -cp <test classpath> dev.metricsstream.gateway.bench.GatewayFigures}
 */
public final class GatewayFigures {
    private GatewayFigures() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = 3000;
        int podsPerNode = 50;
        long now = System.currentTimeMillis();
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        List<byte[]> encoded = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String nodeName = String.format("node-%04d", n);
            store.putNode(node(nodeName, now - 5_000, 1_234_567_890L, 8L * 1024 * 1024 * 1024));
            for (int p = 0; p < podsPerNode; p++) {
                PodMetrics pod = pod("team-" + (n % 500), String.format("app-%04d-%02d-7d9f8b6c5d-x2k4q", n, p), nodeName,
                        Map.of("app", "app-" + p, "pod-template-hash", "7d9f8b6c5d", "team", "t" + (n % 500)),
                        now - 5_000, container("main", 123_456_789L, 256L * 1024 * 1024 + p),
                        container("istio-proxy", 4_567_890L, 64L * 1024 * 1024));
                store.putPod(pod);
                if (encoded.size() < 150_000) {
                    encoded.add(RecordCodec.encode(pod));
                }
            }
        }
        System.out.printf("store: %d nodes, %d pods%n", store.nodeCount(), store.podCount());

        long decodeStart = System.nanoTime();
        long sink = 0;
        for (byte[] bytes : encoded) {
            sink += RecordCodec.pod("bench", bytes).getContainers().size();
        }
        System.out.printf("decode 150k PodMetrics from Avro: %d ms (%d containers)%n",
                (System.nanoTime() - decodeStart) / 1_000_000, sink);

        try (TestGateway gateway = new TestGateway(store, now)) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestGateway.trusting(gateway.tls)).build();
            for (int round = 0; round < 4; round++) {
                measure(http, gateway, "/apis/metrics.k8s.io/v1beta1/pods", "identity", round);
                measure(http, gateway, "/apis/metrics.k8s.io/v1beta1/pods", "gzip", round);
                measure(http, gateway, "/apis/metrics.k8s.io/v1beta1/namespaces/team-7/pods", "identity", round);
                measure(http, gateway, "/metrics/usage", "identity", round);
                measure(http, gateway, "/metrics/usage", "gzip", round);
            }
        }
        multiCollectorEquivalent(store);
    }

    private static void measure(HttpClient http, TestGateway gateway, String path, String encoding, int round)
            throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(gateway.httpsBase() + path))
                .header("Accept-Encoding", encoding).build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[65536];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                bytes += read;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (round > 0) {
            System.out.printf("round %d %-55s %-8s %,12d bytes %6d ms%n", round, path, encoding, bytes, millis);
        }
    }

    /** What a client_java MultiCollector would have to build per scrape for the container families alone. */
    private static void multiCollectorEquivalent(InMemoryMetricsStore store) {
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
        System.out.printf("MultiCollector-style snapshots, container families only: %d data points, %d ms, "
                + "~%d MiB retained until written%n", snapshots.get(0).getDataPoints().size() * 2, millis, retained >> 20);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
