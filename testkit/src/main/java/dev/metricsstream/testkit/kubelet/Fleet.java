package dev.metricsstream.testkit.kubelet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fills simulated nodes with a deterministic (by seed) set of pods named and labelled like a real cluster: DaemonSet
 * pods on every node ({@code kube-proxy-x2k4q}, {@code kindnet-7vcfn}), Deployment pods
 * ({@code storefront-6d5f7c8b9d-4dpjz}, with {@code pod-template-hash}), StatefulSet pods ({@code ledger-0}),
 * 1–3 containers per pod, some with completed init containers.
 */
final class Fleet {

    private static final long MIB = 1024L * 1024L;

    private record Template(String name, String image, int cpuMinMillicores, int cpuMaxMillicores, int memoryMinMib,
            int memoryMaxMib) {
    }

    private record Workload(String namespace, String name, String kind, String tier, List<Template> containers,
            List<Template> initContainers) {
    }

    private static final List<Workload> DAEMON_SETS = List.of(
            new Workload("kube-system", "kube-proxy", "DaemonSet", "node", List.of(
                    new Template("kube-proxy", "registry.k8s.io/kube-proxy:v1.35.0", 1, 6, 14, 30)), List.of()),
            new Workload("kube-system", "kindnet", "DaemonSet", "node", List.of(
                    new Template("kindnet-cni", "docker.io/kindest/kindnetd:v20250512-df8de77b", 1, 4, 10, 24)),
                    List.of()));

    private static final List<Workload> APPS = List.of(
            new Workload("kube-system", "coredns", "Deployment", "dns", List.of(
                    new Template("coredns", "registry.k8s.io/coredns/coredns:v1.12.1", 2, 9, 14, 40)), List.of()),
            new Workload("shop", "storefront", "Deployment", "frontend", List.of(
                    new Template("storefront", "ghcr.io/example/storefront:2.4.1", 40, 400, 120, 400),
                    new Template("envoy", "docker.io/envoyproxy/envoy:v1.34.1", 5, 60, 30, 80)), List.of()),
            new Workload("shop", "cart", "Deployment", "backend", List.of(
                    new Template("cart", "ghcr.io/example/cart:1.9.0", 20, 250, 90, 300)), List.of()),
            new Workload("shop", "checkout", "Deployment", "backend", List.of(
                    new Template("checkout", "ghcr.io/example/checkout:3.0.2", 30, 300, 150, 500),
                    new Template("envoy", "docker.io/envoyproxy/envoy:v1.34.1", 5, 60, 30, 80),
                    new Template("log-shipper", "cr.fluentbit.io/fluent/fluent-bit:4.0.3", 2, 20, 12, 40)),
                    List.of()),
            new Workload("payments", "ledger", "StatefulSet", "database", List.of(
                    new Template("postgres", "docker.io/library/postgres:17.5", 50, 700, 200, 1500),
                    new Template("exporter", "quay.io/prometheuscommunity/postgres-exporter:v0.17.1", 1, 10, 12, 30)),
                    List.of(new Template("init-schema", "docker.io/library/postgres:17.5", 0, 0, 0, 0))),
            new Workload("payments", "gateway", "Deployment", "backend", List.of(
                    new Template("gateway", "ghcr.io/example/payments-gateway:3.2.0", 20, 200, 100, 350)), List.of()),
            new Workload("data", "kafka", "StatefulSet", "data", List.of(
                    new Template("kafka", "docker.io/apache/kafka:4.1.0", 100, 900, 600, 2000)), List.of()),
            new Workload("batch", "report-builder", "Deployment", "batch", List.of(
                    new Template("builder", "ghcr.io/example/report-builder:0.8.2", 200, 1500, 300, 900)),
                    List.of(new Template("fetch-config", "docker.io/library/busybox:1.37", 0, 0, 0, 0),
                            new Template("migrate", "ghcr.io/example/report-builder:0.8.2", 0, 0, 0, 0))),
            new Workload("monitoring", "grafana", "Deployment", "observability", List.of(
                    new Template("grafana", "docker.io/grafana/grafana:12.0.2", 5, 80, 80, 250)),
                    List.of(new Template("init-chown-data", "docker.io/library/busybox:1.37", 0, 0, 0, 0))),
            new Workload("default", "nginx", "Deployment", "frontend", List.of(
                    new Template("nginx", "docker.io/library/nginx:1.29.0", 1, 30, 6, 30)), List.of()));

    private Fleet() {
    }

    /** Places {@code podsPerNode} pods on every node (DaemonSet pods first), all running at {@code nowMillis}. */
    static void populate(long seed, List<SimNode> nodes, int podsPerNode, long nowMillis) {
        SplittableRandom random = new SplittableRandom(Mix.of(seed, "fleet"));
        Map<String, String> templateHashes = new LinkedHashMap<>();
        Map<String, String> ownerUids = new LinkedHashMap<>();
        Map<String, Integer> ordinals = new LinkedHashMap<>();
        Set<String> usedNames = new HashSet<>();
        List<Workload> rotation = new ArrayList<>(APPS);
        for (int i = rotation.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            rotation.set(i, rotation.set(j, rotation.get(i)));
        }
        int next = 0;
        for (SimNode node : nodes) {
            synchronized (node) {
                for (int p = 0; p < podsPerNode; p++) {
                    Workload workload = p < DAEMON_SETS.size() ? DAEMON_SETS.get(p)
                            : rotation.get(next++ % rotation.size());
                    String key = workload.namespace() + "/" + workload.name();
                    String hash = templateHashes.computeIfAbsent(key, k -> suffix(random,
                            workload.kind().equals("Deployment") ? 9 + random.nextInt(2) : 10));
                    String ownerUid = ownerUids.computeIfAbsent(key, k -> node.randomUid());
                    addPod(node, workload, hash, ownerUid, ordinals, usedNames, random, nowMillis);
                }
            }
        }
    }

    private static void addPod(SimNode node, Workload w, String hash, String ownerUid, Map<String, Integer> ordinals,
            Set<String> usedNames, SplittableRandom random, long nowMillis) {
        Map<String, String> labels = new LinkedHashMap<>();
        String podName;
        SimPod.Owner owner;
        switch (w.kind()) {
            case "Deployment" -> {
                podName = unique(usedNames, w, w.name() + "-" + hash + "-", random);
                labels.put("app", w.name());
                labels.put("pod-template-hash", hash);
                labels.put("tier", w.tier());
                owner = new SimPod.Owner("ReplicaSet", w.name() + "-" + hash, ownerUid);
            }
            case "StatefulSet" -> {
                int ordinal = ordinals.merge(w.namespace() + "/" + w.name(), 1, Integer::sum) - 1;
                podName = w.name() + "-" + ordinal;
                labels.put("app", w.name());
                labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
                labels.put("controller-revision-hash", w.name() + "-" + hash);
                labels.put("statefulset.kubernetes.io/pod-name", podName);
                labels.put("tier", w.tier());
                owner = new SimPod.Owner("StatefulSet", w.name(), ownerUid);
            }
            default -> {
                podName = unique(usedNames, w, w.name() + "-", random);
                labels.put("app", w.name());
                labels.put("controller-revision-hash", hash);
                labels.put("pod-template-generation", "1");
                labels.put("tier", w.tier());
                owner = new SimPod.Owner("DaemonSet", w.name(), ownerUid);
            }
        }
        long nodeAgeMillis = nowMillis - node.bootTime().toEpochMilli();
        long maxAge = Math.max(20 * 60_000L, Math.min(nodeAgeMillis - 5 * 60_000L, 2 * 86_400_000L));
        long ageMillis = w.kind().equals("DaemonSet") ? nodeAgeMillis - 60_000L
                : 15 * 60_000L + (long) (random.nextDouble() * (maxAge - 15 * 60_000L));
        long created = nowMillis - ageMillis;
        SimPod pod = node.createPod(w.namespace(), podName, labels, owner, created);
        for (Template t : w.initContainers()) {
            node.addContainer(pod, t.name(), t.image(), true, 0, 0);
        }
        for (Template t : w.containers()) {
            long rate = t.cpuMinMillicores() * 1_000_000L
                    + (long) (random.nextDouble() * (t.cpuMaxMillicores() - t.cpuMinMillicores()) * 1_000_000L);
            long memory = t.memoryMinMib() * MIB
                    + 4096L * (long) (random.nextDouble() * (t.memoryMaxMib() - t.memoryMinMib()) * 256);
            SimContainer c = node.addContainer(pod, t.name(), t.image(), false, rate, memory);
            if (!"batch".equals(w.tier())) {
                long step = 64 * MIB;
                c.memoryLimitBytes(((2 * memory + step - 1) / step) * step);
            }
        }
        long runningSince = created + 1_000 + random.nextInt(2_000);
        long appStart = runningSince + 500 + 2_500L * w.initContainers().size() + random.nextInt(1_000);
        pod.start(runningSince, runningSince + 200, appStart);
    }

    /** Pod names are unique per namespace across the whole fleet, as in a cluster. */
    private static String unique(Set<String> usedNames, Workload w, String prefix, SplittableRandom random) {
        while (true) {
            String name = prefix + suffix(random, 5);
            if (usedNames.add(w.namespace() + "/" + name)) {
                return name;
            }
        }
    }

    private static String suffix(SplittableRandom random, int length) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
