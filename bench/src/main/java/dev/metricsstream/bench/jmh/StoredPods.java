package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/** A gateway store filled with PodMetrics shaped like a real fleet's: deployments of ~20 pods, 5-6 labels each. */
public final class StoredPods {
    static final String[] TIERS = {"frontend", "backend", "cache", "worker", "batch"};

    private StoredPods() {
    }

    public static String namespace(int index) {
        return String.format(Locale.ROOT, "team-%03d", index);
    }

    public static String app(int deployment) {
        return String.format(Locale.ROOT, "svc-%05d", deployment);
    }

    /** {@code pods} pods in {@code namespaces} namespaces, 20 pods per deployment. */
    public static List<PodMetrics> generate(int pods, int namespaces, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PodMetrics> list = new ArrayList<>(pods);
        long now = System.currentTimeMillis();
        for (int i = 0; i < pods; i++) {
            int deployment = i / 20;
            String app = app(deployment);
            String hash = Integer.toHexString(0x5f000000 + deployment * 7919).toLowerCase(Locale.ROOT);
            List<ContainerMetrics> containers = new ArrayList<>(2);
            containers.add(new ContainerMetrics(app, random.nextLong(1_000_000, 900_000_000),
                    random.nextLong(20L << 20, 2L << 30)));
            if (i % 3 == 0) {
                containers.add(new ContainerMetrics("istio-proxy", random.nextLong(1_000_000, 50_000_000),
                        random.nextLong(30L << 20, 90L << 20)));
            }
            list.add(PodMetrics.newBuilder()
                    .setNamespace(namespace(deployment % namespaces))
                    .setName(app + "-" + hash + "-" + Integer.toString(i, 36))
                    .setNodeName(String.format(Locale.ROOT, "node-%05d", i / 30))
                    .setLabels(Map.of("app", app, "pod-template-hash", hash,
                            "app.kubernetes.io/name", app, "app.kubernetes.io/part-of", "shop",
                            "tier", TIERS[deployment % TIERS.length], "version", "v" + (deployment % 4)))
                    .setTimestampMillis(now).setWindowNanos(15_000_000_000L)
                    .setContainers(containers).build());
        }
        return list;
    }

    static InMemoryMetricsStore store(List<PodMetrics> pods) {
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        pods.forEach(store::putPod);
        return store;
    }

    /** A node-usage record carrying the given pods (as the aggregator would publish it for that node). */
    public static dev.metricsstream.avro.NodeUsage nodeUsage(String node, List<PodMetrics> pods) {
        List<dev.metricsstream.avro.PodUsage> usages = new ArrayList<>(pods.size());
        for (PodMetrics pod : pods) {
            List<dev.metricsstream.avro.ContainerUsage> containers = new ArrayList<>();
            for (ContainerMetrics c : pod.getContainers()) {
                containers.add(new dev.metricsstream.avro.ContainerUsage(c.getName(), c.getCpuNanocores(),
                        c.getMemoryWorkingSetBytes()));
            }
            usages.add(dev.metricsstream.avro.PodUsage.newBuilder().setNamespace(pod.getNamespace())
                    .setName(pod.getName()).setLabels(pod.getLabels()).setTimestampMillis(pod.getTimestampMillis())
                    .setWindowNanos(pod.getWindowNanos()).setContainers(containers).build());
        }
        long now = System.currentTimeMillis();
        return dev.metricsstream.avro.NodeUsage.newBuilder().setNodeName(node)
                .setLabels(Map.of("kubernetes.io/hostname", node)).setScrapeResolutionMillis(15_000)
                .setNode(new dev.metricsstream.avro.UsageSample(now, 15_000_000_000L, 1_234_567_890L, 8L << 30))
                .setPods(usages).build();
    }
}
