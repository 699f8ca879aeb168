package dev.metricsstream.bench.fleet;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of a simulated fleet: nodes with pods of deployments (~20 replicas each, spread over nodes and
 * namespaces, realistic label sets, one container or an app container plus a sidecar), cumulative CPU counters that
 * advance with each container's true rate, and churn (pods replaced by new ones, containers restarting).
 * {@link #scrape(int, long)} produces the NodeScrape the collector would have published for a node at that time;
 * the sample timestamps are the production time, so freshness is measured from it.
 */
public final class SimulatedFleet {
    private static final String[] TIERS = {"frontend", "backend", "cache", "worker", "batch"};
    private static final String[] ZONES = {"eu-west-1a", "eu-west-1b", "eu-west-1c"};

    /** A deployment: namespace, app, pod-template-hash, labels shared by its pods. */
    public record Deployment(String namespace, String app, String hash, Map<String, String> labels,
                             boolean sidecar) {
    }

    private static final class Pod {
        final Deployment deployment;
        final String name;
        final String uid;
        final long[] startMillis;
        final long[] cumulativeCpuNanos;
        final long[] cpuNanocores;
        final long[] memoryBytes;

        Pod(Deployment deployment, String name, String uid, int containers, long nowMillis, SplittableRandom random) {
            this.deployment = deployment;
            this.name = name;
            this.uid = uid;
            startMillis = new long[containers];
            cumulativeCpuNanos = new long[containers];
            cpuNanocores = new long[containers];
            memoryBytes = new long[containers];
            for (int c = 0; c < containers; c++) {
                startMillis[c] = nowMillis - random.nextLong(60_000, 86_400_000);
                cumulativeCpuNanos[c] = random.nextLong(1_000_000_000L, 1_000_000_000_000L);
                cpuNanocores[c] = c == 0 ? random.nextLong(2_000_000, 800_000_000)
                        : random.nextLong(1_000_000, 40_000_000);
                memoryBytes[c] = c == 0 ? random.nextLong(30L << 20, 1L << 30) : random.nextLong(30L << 20, 80L << 20);
            }
        }
    }

    private static final class Node {
        final String name;
        final Map<String, String> labels;
        final long bootMillis;
        final Pod[] pods;
        long lastMillis;
        long cumulativeCpuNanos;

        Node(String name, Map<String, String> labels, long bootMillis, int pods) {
            this.name = name;
            this.labels = labels;
            this.bootMillis = bootMillis;
            this.pods = new Pod[pods];
        }
    }

    private final List<Deployment> deployments;
    private final Node[] nodes;
    private final double podChurn;
    private final double restart;
    private final SplittableRandom[] randoms;
    private final AtomicLong podsCreated = new AtomicLong();
    private final AtomicLong podsDeleted = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();

    public SimulatedFleet(int nodeCount, int podsPerNode, double podChurn, double restart, long seed, long nowMillis) {
        this.podChurn = podChurn;
        this.restart = restart;
        SplittableRandom random = new SplittableRandom(seed);
        int deploymentCount = Math.max(1, nodeCount * podsPerNode / 20);
        int namespaces = Math.max(5, deploymentCount / 40);
        deployments = new ArrayList<>(deploymentCount);
        for (int d = 0; d < deploymentCount; d++) {
            String namespace = String.format(Locale.ROOT, "team-%04d", d % namespaces);
            String app = String.format(Locale.ROOT, "svc-%06d", d);
            String hash = String.format(Locale.ROOT, "%010x", random.nextLong(1L << 40)).substring(0, 10);
            String tier = TIERS[d % TIERS.length];
            deployments.add(new Deployment(namespace, app, hash, Map.of("app", app, "pod-template-hash", hash,
                    "app.kubernetes.io/name", app, "app.kubernetes.io/part-of", namespace, "tier", tier,
                    "version", "v" + (d % 4)), d % 3 == 0));
        }
        nodes = new Node[nodeCount];
        randoms = new SplittableRandom[nodeCount];
        for (int n = 0; n < nodeCount; n++) {
            String name = nodeName(n);
            randoms[n] = random.split();
            Node node = new Node(name, Map.of("kubernetes.io/hostname", name, "kubernetes.io/os", "linux",
                    "topology.kubernetes.io/zone", ZONES[n % ZONES.length],
                    "node.kubernetes.io/instance-type", "m6i.2xlarge"), nowMillis - 86_400_000L * 3, podsPerNode);
            for (int p = 0; p < podsPerNode; p++) {
                node.pods[p] = newPod(randoms[n], nowMillis);
            }
            node.cumulativeCpuNanos = random.nextLong(1L << 40, 1L << 45);
            node.lastMillis = nowMillis;
            nodes[n] = node;
        }
    }

    public static String nodeName(int index) {
        return String.format(Locale.ROOT, "fleet-node-%05d", index);
    }

    public int nodeCount() {
        return nodes.length;
    }

    public List<Deployment> deployments() {
        return deployments;
    }

    public long podsCreated() {
        return podsCreated.get();
    }

    public long podsDeleted() {
        return podsDeleted.get();
    }

    public long restarts() {
        return restarts.get();
    }

    private Pod newPod(SplittableRandom random, long nowMillis) {
        Deployment deployment = deployments.get(random.nextInt(deployments.size()));
        String suffix = Long.toString(random.nextLong(36L * 36 * 36 * 36 * 36), 36);
        String uid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
        return new Pod(deployment, deployment.app() + "-" + deployment.hash() + "-" + suffix, uid,
                deployment.sidecar() ? 2 : 1, nowMillis, random);
    }

    /** Advances node {@code index} to {@code nowMillis} (churn included) and returns its scrape. */
    public NodeScrape scrape(int index, long nowMillis) {
        Node node = nodes[index];
        SplittableRandom random = randoms[index];
        long elapsedMillis = Math.max(0, nowMillis - node.lastMillis);
        node.lastMillis = nowMillis;
        List<PodSample> pods = new ArrayList<>(node.pods.length);
        long nodeMemory = 900L << 20;
        long nodeRate = 150_000_000; // system daemons
        for (int p = 0; p < node.pods.length; p++) {
            if (podChurn > 0 && random.nextDouble() < podChurn) {
                node.pods[p] = newPod(random, nowMillis);
                podsDeleted.incrementAndGet();
                podsCreated.incrementAndGet();
            }
            Pod pod = node.pods[p];
            List<ContainerSample> containers = new ArrayList<>(pod.startMillis.length);
            for (int c = 0; c < pod.startMillis.length; c++) {
                if (restart > 0 && random.nextDouble() < restart) {
                    pod.startMillis[c] = nowMillis - random.nextLong(100, 2_000);
                    pod.cumulativeCpuNanos[c] = 0;
                    restarts.incrementAndGet();
                }
                long since = Math.min(elapsedMillis, nowMillis - pod.startMillis[c]);
                long jitter = 900 + random.nextInt(201); // true rate ±10 % per interval
                pod.cumulativeCpuNanos[c] += pod.cpuNanocores[c] * jitter / 1000 * Math.max(0, since) / 1000;
                long memory = pod.memoryBytes[c] + random.nextLong(-(pod.memoryBytes[c] / 50),
                        pod.memoryBytes[c] / 50 + 1);
                nodeMemory += memory;
                nodeRate += pod.cpuNanocores[c];
                containers.add(ContainerSample.newBuilder()
                        .setName(c == 0 ? pod.deployment.app() : "istio-proxy")
                        .setStartTimeMillis(pod.startMillis[c])
                        .setCumulativeCpuNanos(pod.cumulativeCpuNanos[c])
                        .setCpuTimestampMillis(nowMillis)
                        .setMemoryWorkingSetBytes(memory)
                        .setMemoryTimestampMillis(nowMillis)
                        .build());
            }
            pods.add(PodSample.newBuilder()
                    .setNamespace(pod.deployment.namespace())
                    .setName(pod.name)
                    .setUid(pod.uid)
                    .setPhase("Running")
                    .setLabels(pod.deployment.labels())
                    .setContainers(containers)
                    .build());
        }
        node.cumulativeCpuNanos += nodeRate * elapsedMillis / 1000;
        return NodeScrape.newBuilder()
                .setNodeName(node.name)
                .setScrapeTimeMillis(nowMillis)
                .setSource(ScrapeSource.METRICS_RESOURCE)
                .setNode(NodeSample.newBuilder()
                        .setStartTimeMillis(node.bootMillis)
                        .setCumulativeCpuNanos(node.cumulativeCpuNanos)
                        .setCpuTimestampMillis(nowMillis)
                        .setMemoryWorkingSetBytes(nodeMemory)
                        .setMemoryTimestampMillis(nowMillis)
                        .build())
                .setPods(pods)
                .setNodeInfo(NodeInfo.newBuilder().setLabels(node.labels)
                        .setCapacityCpuMillicores(8000L).setCapacityMemoryBytes(32L << 30)
                        .setAllocatableCpuMillicores(7910L).setAllocatableMemoryBytes(31L << 30).build())
                .build();
    }

    public int podsPerNode() {
        return nodes.length == 0 ? 0 : nodes[0].pods.length;
    }
}
