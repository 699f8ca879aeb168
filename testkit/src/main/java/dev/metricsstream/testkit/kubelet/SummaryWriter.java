package dev.metricsstream.testkit.kubelet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the kubelet's {@code /stats/summary} (Summary API v1alpha1) in the shape of the 1.35 capture
 * ({@code stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json}): the same field names and order, {@code metav1.Time}
 * timestamps with whole seconds, PSI and swap blocks, one-space indentation. Completed init containers carry zero CPU
 * and memory in the shape of the Windows capture. Values without a sample yet are left out (as Go's
 * {@code omitempty} does for nil stats).
 */
final class SummaryWriter {

    static final String CONTENT_TYPE = "application/json";

    private static final long FS_CAPACITY_BYTES = 977_896_124_416L;
    private static final long FS_INODES = 60_710_912L;

    private SummaryWriter() {
    }

    static String write(Snapshot.Node node, long seed) {
        ObjectNode root = GoJson.object();
        ObjectNode n = root.putObject("node");
        n.put("nodeName", node.name());
        ArrayNode system = n.putArray("systemContainers");
        system.add(systemContainer("kubelet", node.bootMillis() + 2_000, node.sampleMillis(), node.kubeletCpuNanos(),
                node.kubeletCpuRate(), node.kubeletMemoryBytes(), -1));
        system.add(systemContainer("pods", node.bootMillis() + 1_000, node.sampleMillis(), node.podsCpuNanos(),
                node.podsCpuRate(), node.podsMemoryBytes(), node.memoryCapacityBytes() - node.podsMemoryBytes()));
        n.put("startTime", GoJson.time(node.bootMillis()));
        n.set("cpu", cpu(node.sampleMillis(), node.cpuNanos(), node.cpuRateNanocores()));
        n.set("memory", memory(node.sampleMillis(), node.memoryWorkingSetBytes(),
                node.memoryCapacityBytes() - node.memoryWorkingSetBytes(), node.sampleMillis() - node.bootMillis()));
        n.set("io", io(node.sampleMillis(), node.cpuNanos()));
        n.set("network", network(node.sampleMillis(), Mix.of(seed, node.name()), node.bootMillis(), true));
        long usedFs = 40L * 1024 * 1024 * 1024 + Math.floorMod(Mix.of(seed, node.name() + "/fs"), 1L << 34);
        n.set("fs", fs(node.sampleMillis(), usedFs, 1_500_000));
        ObjectNode runtime = n.putObject("runtime");
        runtime.set("imageFs", fs(node.sampleMillis(), 1_715_707_904L, 43_181));
        runtime.set("containerFs", fs(node.sampleMillis(), 1_715_707_904L, 43_181));
        ObjectNode rlimit = n.putObject("rlimit");
        rlimit.put("time", GoJson.time(node.nowMillis()));
        rlimit.put("maxpid", 62_639);
        rlimit.put("curproc", 300 + 12 * node.pods().size());
        ObjectNode swap = n.putObject("swap");
        swap.put("time", GoJson.time(node.sampleMillis()));
        swap.put("swapAvailableBytes", 1_073_737_728L);
        swap.put("swapUsageBytes", 0);

        ArrayNode pods = root.putArray("pods");
        for (Snapshot.Pod pod : node.pods()) {
            pods.add(pod(pod, seed));
        }
        return GoJson.indented(root);
    }

    private static ObjectNode pod(Snapshot.Pod pod, long seed) {
        ObjectNode p = GoJson.object();
        ObjectNode ref = p.putObject("podRef");
        ref.put("name", pod.name());
        ref.put("namespace", pod.namespace());
        ref.put("uid", pod.uid());
        p.put("startTime", GoJson.time(pod.startMillis()));
        ArrayNode containers = p.putArray("containers");
        long rootfsTotal = 0;
        for (Snapshot.Container c : pod.containers()) {
            long rootfsUsed = 4096L * (2 + Math.floorMod(Mix.of(seed, pod.uid() + "/" + c.name()), 64));
            rootfsTotal += rootfsUsed;
            containers.add(c.init() ? initContainer(c, rootfsUsed) : container(pod, c, rootfsUsed));
        }
        boolean sampled = pod.sampleMillis() != Snapshot.NO_SAMPLE;
        if (sampled) {
            p.set("cpu", cpu(pod.sampleMillis(), pod.cpuNanos(), pod.cpuRateNanocores()));
            long available = pod.memoryLimitBytes() > 0
                    ? Math.max(0, pod.memoryLimitBytes() - pod.memoryWorkingSetBytes()) : -1;
            p.set("memory", memory(pod.sampleMillis(), pod.memoryWorkingSetBytes(), available,
                    pod.sampleMillis() - pod.startMillis()));
            p.set("io", io(pod.sampleMillis(), pod.cpuNanos()));
            p.set("network", network(pod.sampleMillis(), Mix.of(seed, pod.uid()), pod.startMillis(), false));
        }
        ArrayNode volumes = p.putArray("volume");
        ObjectNode token = fs(sampled ? pod.sampleMillis() : pod.startMillis(), 12_288, 9);
        token.put("availableBytes", 8_216_875_008L);
        token.put("capacityBytes", 8_216_887_296L);
        token.put("inodesFree", 1_003_029L);
        token.put("inodes", 1_003_038L);
        token.put("name", "kube-api-access-" + pod.uid().substring(0, 5).replaceAll("[^a-z0-9]", "x"));
        volumes.add(token);
        p.set("ephemeral-storage", fs(sampled ? pod.sampleMillis() : pod.startMillis(), rootfsTotal + 36_864, 25));
        p.putObject("process_stats").put("process_count", pod.containers().size());
        if (sampled) {
            ObjectNode swap = p.putObject("swap");
            swap.put("time", GoJson.time(pod.sampleMillis()));
            swap.put("swapUsageBytes", 0);
        }
        return p;
    }

    private static ObjectNode container(Snapshot.Pod pod, Snapshot.Container c, long rootfsUsed) {
        ObjectNode o = GoJson.object();
        o.put("name", c.name());
        o.put("startTime", GoJson.time(c.startMillis()));
        boolean sampled = c.sampleMillis() != Snapshot.NO_SAMPLE;
        long fsTime = sampled ? c.sampleMillis() : c.startMillis();
        if (sampled) {
            o.set("cpu", cpu(c.sampleMillis(), c.cpuNanos(), c.cpuRateNanocores()));
            long available = c.memoryLimitBytes() > 0
                    ? Math.max(0, c.memoryLimitBytes() - c.memoryWorkingSetBytes()) : -1;
            o.set("memory", memory(c.sampleMillis(), c.memoryWorkingSetBytes(), available,
                    c.sampleMillis() - c.startMillis()));
            o.set("io", io(c.sampleMillis(), c.cpuNanos()));
        }
        o.set("rootfs", fs(fsTime, rootfsUsed, rootfsUsed / 4096));
        o.set("logs", fs(fsTime, 32_768, 1));
        if (sampled) {
            ObjectNode swap = o.putObject("swap");
            swap.put("time", GoJson.time(c.sampleMillis()));
            swap.put("swapAvailableBytes", 0);
            swap.put("swapUsageBytes", 0);
        }
        return o;
    }

    /** A completed container as the kubelet reports it on Windows: zero CPU and memory, no PSI. */
    private static ObjectNode initContainer(Snapshot.Container c, long rootfsUsed) {
        ObjectNode o = GoJson.object();
        o.put("name", c.name());
        o.put("startTime", GoJson.time(c.startMillis()));
        if (c.sampleMillis() != Snapshot.NO_SAMPLE) {
            ObjectNode cpu = o.putObject("cpu");
            cpu.put("time", GoJson.time(c.sampleMillis()));
            cpu.put("usageNanoCores", 0);
            cpu.put("usageCoreNanoSeconds", 0);
            ObjectNode memory = o.putObject("memory");
            memory.put("time", GoJson.time(c.sampleMillis()));
            memory.put("workingSetBytes", 0);
        }
        long fsTime = c.sampleMillis() != Snapshot.NO_SAMPLE ? c.sampleMillis() : c.startMillis();
        o.set("rootfs", fs(fsTime, rootfsUsed, rootfsUsed / 4096));
        o.set("logs", fs(fsTime, 4_096, 1));
        return o;
    }

    private static ObjectNode cpu(long sampleMillis, long cpuNanos, long rateNanocores) {
        ObjectNode o = GoJson.object();
        o.put("time", GoJson.time(sampleMillis));
        o.put("usageNanoCores", rateNanocores);
        o.put("usageCoreNanoSeconds", cpuNanos);
        o.set("psi", psi(cpuNanos / 1000 / 50));
        return o;
    }

    private static ObjectNode memory(long sampleMillis, long workingSetBytes, long availableBytes, long ageMillis) {
        ObjectNode o = GoJson.object();
        o.put("time", GoJson.time(sampleMillis));
        if (availableBytes >= 0) {
            o.put("availableBytes", availableBytes);
        }
        long cache = pages(workingSetBytes / 50);
        o.put("usageBytes", workingSetBytes + cache);
        o.put("workingSetBytes", workingSetBytes);
        o.put("rssBytes", pages(workingSetBytes * 9 / 10));
        o.put("pageFaults", workingSetBytes / 8192 + Math.max(0, ageMillis) / 1000 * 3);
        o.put("majorPageFaults", 0);
        o.set("psi", psi(0));
        return o;
    }

    private static ObjectNode io(long sampleMillis, long cpuNanos) {
        ObjectNode o = GoJson.object();
        o.put("time", GoJson.time(sampleMillis));
        o.set("psi", psi(cpuNanos / 1000 / 4000));
        return o;
    }

    private static ObjectNode psi(long someTotalMicros) {
        ObjectNode o = GoJson.object();
        o.set("full", psiData(someTotalMicros * 95 / 100));
        o.set("some", psiData(someTotalMicros));
        return o;
    }

    private static ObjectNode psiData(long totalMicros) {
        ObjectNode o = GoJson.object();
        o.put("total", totalMicros);
        o.put("avg10", 0);
        o.put("avg60", 0);
        o.put("avg300", 0);
        return o;
    }

    /** Counters from {@link NetworkTraffic}: exact constant rates over the reported whole-second times. */
    private static ObjectNode network(long sampleMillis, long hash, long startMillis, boolean node) {
        long rx = NetworkTraffic.bytes(NetworkTraffic.receiveBytesPerSecond(hash), startMillis, sampleMillis);
        long tx = NetworkTraffic.bytes(NetworkTraffic.transmitBytesPerSecond(hash), startMillis, sampleMillis);
        ObjectNode o = GoJson.object();
        o.put("time", GoJson.time(sampleMillis));
        o.put("name", "eth0");
        o.put("rxBytes", rx);
        o.put("rxErrors", 0);
        o.put("txBytes", tx);
        o.put("txErrors", 0);
        ArrayNode interfaces = o.putArray("interfaces");
        if (node) {
            ObjectNode tunnel = interfaces.addObject();
            tunnel.put("name", "tunl0");
            tunnel.put("rxBytes", 0);
            tunnel.put("rxErrors", 0);
            tunnel.put("txBytes", 0);
            tunnel.put("txErrors", 0);
        }
        ObjectNode eth0 = interfaces.addObject();
        eth0.put("name", "eth0");
        eth0.put("rxBytes", rx);
        eth0.put("rxErrors", 0);
        eth0.put("txBytes", tx);
        eth0.put("txErrors", 0);
        return o;
    }

    private static ObjectNode fs(long timeMillis, long usedBytes, long inodesUsed) {
        ObjectNode o = GoJson.object();
        o.put("time", GoJson.time(timeMillis));
        o.put("availableBytes", FS_CAPACITY_BYTES - 156_692_914_176L);
        o.put("capacityBytes", FS_CAPACITY_BYTES);
        o.put("usedBytes", usedBytes);
        o.put("inodesFree", FS_INODES - 1_504_306L);
        o.put("inodes", FS_INODES);
        o.put("inodesUsed", inodesUsed);
        return o;
    }

    private static ObjectNode systemContainer(String name, long startMillis, long sampleMillis, long cpuNanos,
            long rateNanocores, long memoryBytes, long availableBytes) {
        ObjectNode o = GoJson.object();
        o.put("name", name);
        o.put("startTime", GoJson.time(startMillis));
        o.set("cpu", cpu(sampleMillis, cpuNanos, rateNanocores));
        o.set("memory", memory(sampleMillis, memoryBytes, availableBytes, sampleMillis - startMillis));
        o.set("io", io(sampleMillis, cpuNanos));
        ObjectNode swap = o.putObject("swap");
        swap.put("time", GoJson.time(sampleMillis));
        swap.put("swapUsageBytes", 0);
        return o;
    }

    private static long pages(long bytes) {
        return bytes - Math.floorMod(bytes, 4096L);
    }
}
