package dev.metricsstream.testkit.kubelet;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated node: its kubelet listens on its own loopback port ({@link #baseUrl()}) and serves
 * {@code /metrics/resource}, {@code /stats/summary}, {@code /pods} and {@code /healthz} for the pods placed here.
 * All methods are thread-safe; the server reads the state under the same lock.
 */
public final class SimNode {

    /** Working set of a pod's sandbox (pause) process, added to the pod cgroup. */
    static final long PAUSE_CONTAINER_BYTES = 1_003_520L;

    private final KubeletSimulator sim;
    private final String name;
    private final int index;
    private final String hostIp;
    private final Map<String, String> labels;
    private final long cpuCapacityCores;
    private final long memoryCapacityBytes;
    private final long bootMillis;
    private final CpuCounter systemCounter;
    private final long systemMemoryBytes;
    private final SampleGrid nodeGrid;
    private final SplittableRandom random;
    private final Map<String, SimPod> pods = new LinkedHashMap<>();
    /** Every container instance ever started here: the node's CPU counter never goes back. */
    private final List<CpuCounter> counters = new ArrayList<>();
    private long retiredCpuNanos;
    private final Map<String, AtomicLong> requestCounts = new ConcurrentHashMap<>();

    private volatile NodeMode mode = NodeMode.OK;
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile ResourceMetricsFormat format;
    private volatile NodeServer server;

    SimNode(KubeletSimulator sim, String name, int index, long bootMillis, long systemCpuNanocores,
            long systemMemoryBytes, long cpuCapacityCores, long memoryCapacityBytes) {
        this.sim = sim;
        this.name = name;
        this.index = index;
        this.hostIp = "172.18.0." + (2 + index % 250);
        this.bootMillis = bootMillis;
        this.systemCounter = new CpuCounter(bootMillis, systemCpuNanocores);
        this.systemMemoryBytes = systemMemoryBytes;
        this.cpuCapacityCores = cpuCapacityCores;
        this.memoryCapacityBytes = memoryCapacityBytes;
        this.random = new SplittableRandom(Mix.of(sim.seed(), name));
        this.nodeGrid = sim.grid(name + "/node");
        this.format = sim.format();
        Map<String, String> l = new LinkedHashMap<>();
        l.put("beta.kubernetes.io/arch", "amd64");
        l.put("beta.kubernetes.io/os", "linux");
        l.put("kubernetes.io/arch", "amd64");
        l.put("kubernetes.io/hostname", name);
        l.put("kubernetes.io/os", "linux");
        l.put("topology.kubernetes.io/zone", "zone-" + (char) ('a' + index % 3));
        this.labels = Collections.unmodifiableMap(l);
    }

    /** Node name, as in {@code spec.nodeName} and the stats' {@code nodeName}. */
    public String name() {
        return name;
    }

    /** Where this node's kubelet listens, e.g. {@code https://127.0.0.1:40123} (no trailing slash). */
    public String baseUrl() {
        return server().baseUrl();
    }

    /** {@code baseUrl() + path}, e.g. {@code uri("/metrics/resource")}. */
    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    /** The kubelet port of this node. */
    public int port() {
        return server().port();
    }

    /** Node labels (as a Node object would carry; the kubelet endpoints do not serve them). */
    public Map<String, String> labels() {
        return labels;
    }

    /** Node capacity as Kubernetes quantities: {@code cpu}, {@code memory} (Ki), {@code pods}. */
    public Map<String, String> capacity() {
        return Map.of("cpu", Long.toString(cpuCapacityCores), "memory", (memoryCapacityBytes / 1024) + "Ki",
                "pods", "110");
    }

    /** Allocatable = capacity minus system reservations (100m CPU, 100 MiB + eviction threshold). */
    public Map<String, String> allocatable() {
        return Map.of("cpu", (cpuCapacityCores * 1000 - 100) + "m",
                "memory", ((memoryCapacityBytes - 200L * 1024 * 1024) / 1024) + "Ki", "pods", "110");
    }

    public NodeMode mode() {
        return mode;
    }

    /**
     * Switches how this kubelet answers (see {@link NodeMode}); takes effect for the next request. Leaving
     * {@link NodeMode#DOWN} binds the same port again (an {@code UncheckedIOException} if another process took it).
     */
    public void setMode(NodeMode next) {
        NodeMode previous;
        synchronized (this) {
            previous = mode;
            mode = next;
            notifyAll();
        }
        if (server != null && (previous == NodeMode.DOWN) != (next == NodeMode.DOWN)) {
            if (next == NodeMode.DOWN) {
                server.stopListening();
            } else {
                server.listen();
            }
        }
    }

    /** Every answer waits this long (real time) before it is sent; {@link Duration#ZERO} by default. */
    public void setResponseDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.responseDelay = delay;
    }

    /** Switches the {@code /metrics/resource} exposition format of this node. */
    public void setFormat(ResourceMetricsFormat next) {
        this.format = next;
    }

    public ResourceMetricsFormat format() {
        return format;
    }

    /** How many requests reached {@code path} (all answers, including 401 and errors), e.g. "/metrics/resource". */
    public long requestCount(String path) {
        AtomicLong count = requestCounts.get(path);
        return count == null ? 0 : count.get();
    }

    /** Pods on this node (every phase), in creation order. */
    public synchronized List<SimPod> pods() {
        return List.copyOf(pods.values());
    }

    /** The pod {@code namespace/podName}. */
    public synchronized SimPod pod(String namespace, String podName) {
        SimPod pod = pods.get(namespace + "/" + podName);
        if (pod == null) {
            throw new NoSuchElementException("node " + name + " has no pod " + namespace + "/" + podName);
        }
        return pod;
    }

    /** Finds the pod {@code namespace/podName}. */
    public synchronized Optional<SimPod> findPod(String namespace, String podName) {
        return Optional.ofNullable(pods.get(namespace + "/" + podName));
    }

    /** Creates a pod now (running at once, or pending per {@link PodSpec#phase()}). */
    public SimPod addPod(PodSpec spec) {
        synchronized (this) {
            long now = nowMillis();
            SimPod pod = createPod(spec.namespace(), spec.name(), spec.labels(), null, now);
            for (Map.Entry<String, String> init : spec.initContainers().entrySet()) {
                addContainer(pod, init.getKey(), init.getValue(), true, 0, 0);
            }
            for (ContainerSpec c : spec.containers()) {
                addContainer(pod, c.name(), c.image(), false, c.cpuNanocores(), c.memoryWorkingSetBytes());
            }
            if (spec.phase() == PodPhase.RUNNING) {
                pod.start(now, now, now);
            }
            return pod;
        }
    }

    /**
     * Deletes the pod now: it disappears from every endpoint at once; the CPU it used stays in the node's
     * cumulative counter (as the node's cgroup does).
     */
    public SimPod deletePod(String namespace, String podName) {
        synchronized (this) {
            SimPod pod = pods.remove(namespace + "/" + podName);
            if (pod == null) {
                throw new NoSuchElementException("node " + name + " has no pod " + namespace + "/" + podName);
            }
            pod.stopAll(nowMillis());
            return pod;
        }
    }

    /** The node's true CPU rate now: system processes plus every running container (nanocores). */
    public synchronized long trueCpuNanocores() {
        long now = nowMillis();
        long sum = systemCounter.rateAt(now);
        for (CpuCounter c : counters) {
            sum += c.rateAt(now);
        }
        return sum;
    }

    /** The node's CPU rate for system processes (kubelet, runtime, OS), nanocores. */
    public synchronized long systemCpuNanocores() {
        return systemCounter.currentRate();
    }

    /** Sets the CPU rate of the system processes from now on. */
    public synchronized void setSystemCpuNanocores(long nanocores) {
        systemCounter.setRate(nowMillis(), nanocores);
    }

    /** The node working set a scrape now reports. */
    public synchronized long trueMemoryWorkingSetBytes() {
        long sample = nodeGrid.latest(nowMillis());
        return nodeMemoryAt(sample);
    }

    /** Exact cumulative CPU of the whole node at {@code instant}, in nanoseconds. */
    public synchronized long cumulativeCpuNanosAt(Instant instant) {
        return nodeCpuAt(instant.toEpochMilli());
    }

    /** The sample timestamp a scrape now carries for the node-level series. */
    public synchronized Instant sampleTime() {
        return Instant.ofEpochMilli(nodeGrid.latest(nowMillis()));
    }

    /** When the node booted (the summary's {@code node.startTime}). */
    public Instant bootTime() {
        return Instant.ofEpochMilli(bootMillis);
    }

    /** Truth for every running container of every running pod on this node. */
    public synchronized List<ContainerTruth> truth() {
        long now = nowMillis();
        List<ContainerTruth> out = new ArrayList<>();
        for (SimPod pod : pods.values()) {
            if (pod.phaseUnlocked() != PodPhase.RUNNING) {
                continue;
            }
            for (SimContainer c : pod.containersUnlocked()) {
                if (c.isRunning()) {
                    out.add(new ContainerTruth(name, pod.namespace(), pod.name(), c.name(), c.counter().currentRate(),
                            c.sampleMillis(now).map(c::memoryAt).orElse(0L),
                            Instant.ofEpochMilli(c.counter().startMillis()), c.restartCountUnlocked()));
                }
            }
        }
        return out;
    }

    /** Truth for the node as a whole. */
    public NodeTruth nodeTruth() {
        synchronized (this) {
            return new NodeTruth(name, trueCpuNanocores(), trueMemoryWorkingSetBytes());
        }
    }

    @Override
    public String toString() {
        return "SimNode[" + name + (server == null ? "" : " " + server.baseUrl()) + ", " + mode + "]";
    }

    // ----- package-private -----


    int index() {
        return index;
    }

    String hostIp() {
        return hostIp;
    }

    long nowMillis() {
        return sim.clock().instant().toEpochMilli();
    }

    Duration responseDelay() {
        return responseDelay;
    }

    void countRequest(String path) {
        requestCounts.computeIfAbsent(path, p -> new AtomicLong()).incrementAndGet();
    }

    void attach(NodeServer nodeServer) {
        this.server = nodeServer;
    }

    NodeServer server() {
        if (server == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return server;
    }

    /** Blocks while the node is SILENT; false if interrupted or the simulator closed meanwhile. */
    synchronized boolean awaitNotSilent() {
        while (mode == NodeMode.SILENT && !sim.isClosed()) {
            try {
                wait(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !sim.isClosed();
    }

    synchronized void wakeUp() {
        notifyAll();
    }

    SimPod createPod(String namespace, String podName, Map<String, String> podLabels, SimPod.Owner owner,
            long createdMillis) {
        String key = namespace + "/" + podName;
        if (pods.containsKey(key)) {
            throw new IllegalArgumentException("node " + name + " already has pod " + key);
        }
        String uid = randomUid();
        String podIp = "10.244." + (index % 250) + "." + (2 + pods.size() % 250);
        SimPod pod = new SimPod(this, namespace, podName, uid, podLabels, owner, createdMillis,
                sim.grid(uid + "/pod"), podIp);
        pods.put(key, pod);
        return pod;
    }

    SimContainer addContainer(SimPod pod, String containerName, String image, boolean init, long rateNanocores,
            long memoryBytes) {
        for (SimContainer existing : pod.containersUnlocked()) {
            if (existing.name().equals(containerName)) {
                throw new IllegalArgumentException("pod " + pod + " already has container " + containerName);
            }
        }
        SimContainer c = new SimContainer(pod, containerName, image, init, rateNanocores, memoryBytes,
                sim.grid(pod.uid() + "/" + containerName));
        pod.addContainer(c);
        return c;
    }

    void registerCounter(CpuCounter counter) {
        counters.add(counter);
    }

    String randomUid() {
        String h = randomHex(32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-"
                + "89ab".charAt(random.nextInt(4)) + h.substring(17, 20) + "-" + h.substring(20, 32);
    }

    String randomHex(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }



    /** Memory varies deterministically around {@code level}: ± the simulator's jitter, in whole pages. */
    long jitter(long level, String key, long sampleMillis) {
        double fraction = sim.memoryJitter();
        if (level == 0 || fraction == 0) {
            return level;
        }
        double u = Mix.unit(Mix.of(Mix.of(sim.seed(), key), sampleMillis));
        long value = (long) (level * (1 + fraction * (2 * u - 1)));
        return Math.max(4096, value - Math.floorMod(value, 4096L));
    }

    long nodeCpuAt(long tMillis) {
        long sum = systemCounter.nanosAt(tMillis) + retiredCpuNanos;
        for (CpuCounter c : counters) {
            sum += c.nanosAt(tMillis);
        }
        return sum;
    }

    long nodeMemoryAt(long tMillis) {
        long sum = jitter(systemMemoryBytes, name + "/system", tMillis);
        for (SimPod pod : pods.values()) {
            if (pod.phaseUnlocked() == PodPhase.RUNNING && pod.runningSinceMillis() <= tMillis) {
                sum += pod.memoryAt(tMillis);
            }
        }
        return sum;
    }

    /** Everything the kubelet reports now. */
    synchronized Snapshot.Node snapshot() {
        long now = nowMillis();
        forgetBefore(now - sim.samplePeriodMillis() - 600_000L);
        List<Snapshot.Pod> podSnapshots = new ArrayList<>();
        for (SimPod pod : pods.values()) {
            if (pod.phaseUnlocked() != PodPhase.RUNNING) {
                continue;
            }
            List<Snapshot.Container> cs = new ArrayList<>();
            for (SimContainer c : pod.containersUnlocked()) {
                long start = c.counter().startMillis();
                Optional<Long> sample = c.sampleMillis(now);
                cs.add(sample.map(s -> new Snapshot.Container(c.name(), false, start, s,
                        Snapshot.micros(c.counter().nanosAt(s)), c.counter().rateAt(s), c.memoryAt(s), c.memoryLimitBytes()))
                        .orElseGet(() -> new Snapshot.Container(c.name(), false, start, Snapshot.NO_SAMPLE, 0, 0, 0,
                                c.memoryLimitBytes())));
            }
            for (SimContainer c : pod.initContainersUnlocked()) {
                long sample = c.sampleMillis(now).orElse(Snapshot.NO_SAMPLE);
                cs.add(new Snapshot.Container(c.name(), true, c.initStartedMillis(), sample, 0, 0, 0, 0));
            }
            Optional<Long> podSample = pod.sampleMillis(now);
            long podStart = pod.runningSinceMillis();
            long podLimit = pod.memoryLimitBytes();
            podSnapshots.add(podSample.map(s -> new Snapshot.Pod(pod.namespace(), pod.name(), pod.uid(), podStart, s,
                    Snapshot.micros(pod.cpuNanosAt(s)), pod.cpuRateAt(s), pod.memoryAt(s), podLimit, cs))
                    .orElseGet(() -> new Snapshot.Pod(pod.namespace(), pod.name(), pod.uid(), podStart,
                            Snapshot.NO_SAMPLE, 0, 0, 0, podLimit, cs)));
        }
        long nodeSample = nodeGrid.latest(now);
        long systemNanos = systemCounter.nanosAt(nodeSample);
        long systemRate = systemCounter.rateAt(nodeSample);
        long nodeCpu = nodeCpuAt(nodeSample);
        long nodeRate = systemRate;
        for (CpuCounter c : counters) {
            nodeRate += c.rateAt(nodeSample);
        }
        long podsCpu = nodeCpu - systemNanos;
        long podsRate = nodeRate - systemRate;
        long nodeMemory = nodeMemoryAt(nodeSample);
        long systemMemory = jitter(systemMemoryBytes, name + "/system", nodeSample);
        return new Snapshot.Node(name, now, bootMillis, nodeSample, Snapshot.micros(nodeCpu), nodeRate, nodeMemory,
                memoryCapacityBytes, Snapshot.micros(systemNanos / 4), systemRate / 4, systemMemory / 5,
                Snapshot.micros(podsCpu), podsRate, nodeMemory - systemMemory, List.copyOf(podSnapshots));
    }

    private void forgetBefore(long beforeMillis) {
        for (Iterator<CpuCounter> it = counters.iterator(); it.hasNext(); ) {
            CpuCounter c = it.next();
            if (c.stopped() && c.stopMillis() < beforeMillis) {
                retiredCpuNanos += c.nanosAt(c.stopMillis());
                it.remove();
            }
        }
        systemCounter.forgetBefore(beforeMillis);
        for (SimPod pod : pods.values()) {
            pod.forgetBefore(beforeMillis);
        }
    }
}
