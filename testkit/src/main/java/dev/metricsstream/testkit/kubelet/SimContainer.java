package dev.metricsstream.testkit.kubelet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One container of a simulated pod. Its cumulative CPU grows at the rate set here; its working set varies around the
 * level set here (by the simulator's memory jitter, deterministically). Read the truth back with
 * {@link #trueCpuNanocores()} and {@link #trueMemoryWorkingSetBytes()}.
 *
 * <p>Init containers ({@link #isInit()}) are completed: they report zero CPU and memory and cannot be changed.
 */
public final class SimContainer {

    private final SimPod pod;
    private final String name;
    private final String image;
    private final boolean init;
    private final SampleGrid grid;

    private long rateNanocores;
    private long memoryLimitBytes;
    /** Memory level history: {fromMillis, levelBytes}; the level at t is the last entry with from ≤ t. */
    private final List<long[]> memoryLevels = new ArrayList<>();

    private CpuCounter counter;
    private String containerId;
    private int restartCount;
    /** Last exited instance: {startedMillis, finishedMillis}, or null. */
    private long[] lastTermination;
    /** Init containers: when they ran. */
    private long initStartedMillis;
    private long initFinishedMillis;

    SimContainer(SimPod pod, String name, String image, boolean init, long rateNanocores, long memoryLevelBytes,
            SampleGrid grid) {
        this.pod = pod;
        this.name = name;
        this.image = image;
        this.init = init;
        this.grid = grid;
        this.rateNanocores = rateNanocores;
        this.memoryLevels.add(new long[] {Long.MIN_VALUE, memoryLevelBytes});
    }

    /** Container name. */
    public String name() {
        return name;
    }

    /** Image reference. */
    public String image() {
        return image;
    }

    /** True for a (completed) init container. */
    public boolean isInit() {
        return init;
    }

    /** The pod this container belongs to. */
    public SimPod pod() {
        return pod;
    }

    /** Sets the CPU rate from now on (nanocores: 1 core = 1_000_000_000). */
    public void setCpuNanocores(long nanocores) {
        checkNotInit();
        if (nanocores < 0) {
            throw new IllegalArgumentException("CPU rate must not be negative: " + nanocores);
        }
        synchronized (lock()) {
            if (counter != null && !counter.stopped()) {
                counter.setRate(pod.node().nowMillis(), nanocores);
            }
            rateNanocores = nanocores;
        }
    }

    /** Sets the working-set level (bytes) the memory varies around, from now on. */
    public void setMemoryWorkingSetBytes(long bytes) {
        checkNotInit();
        if (bytes < 0) {
            throw new IllegalArgumentException("memory must not be negative: " + bytes);
        }
        synchronized (lock()) {
            long now = pod.node().nowMillis();
            long[] last = memoryLevels.get(memoryLevels.size() - 1);
            if (last[0] >= now) {
                last[1] = bytes;
            } else {
                memoryLevels.add(new long[] {now, bytes});
            }
        }
    }

    /**
     * The CPU rate the container really uses now, in nanocores: the rate set, while the container runs in a running
     * pod; 0 for init containers and containers not running.
     */
    public long trueCpuNanocores() {
        synchronized (lock()) {
            return isRunning() ? counter.currentRate() : 0;
        }
    }

    /** The working-set level set (what the reported value varies around). 0 for init containers. */
    public long memoryLevelBytes() {
        synchronized (lock()) {
            return init ? 0 : memoryLevels.get(memoryLevels.size() - 1)[1];
        }
    }

    /**
     * The working set a scrape now reports for this container (at its latest sample time), or 0 when it is not
     * running or has no sample yet.
     */
    public long trueMemoryWorkingSetBytes() {
        synchronized (lock()) {
            long now = pod.node().nowMillis();
            return sampleMillis(now).map(this::memoryAt).orElse(0L);
        }
    }

    /**
     * The cumulative CPU (nanoseconds) a scrape now reports for this container: the value at its latest sample time,
     * at microsecond resolution as cgroup v2 counts it; 0 when it has no sample (or is an init container).
     */
    public long cumulativeCpuNanos() {
        synchronized (lock()) {
            if (init) {
                return 0;
            }
            return sampleMillis(pod.node().nowMillis()).map(s -> Snapshot.micros(counter.nanosAt(s))).orElse(0L);
        }
    }

    /**
     * Exact cumulative CPU of the current instance at {@code instant} (0 before it started), in nanoseconds; the
     * wire shows it at microsecond resolution ({@link #cumulativeCpuNanos()}).
     */
    public long cumulativeCpuNanosAt(Instant instant) {
        synchronized (lock()) {
            return counter == null ? 0 : counter.nanosAt(instant.toEpochMilli());
        }
    }

    /**
     * The sample timestamp a scrape now carries for this container (cAdvisor's latest housekeeping), empty when the
     * current instance has no sample yet or the container does not run.
     */
    public Optional<Instant> sampleTime() {
        synchronized (lock()) {
            return sampleMillis(pod.node().nowMillis()).map(Instant::ofEpochMilli);
        }
    }

    /** Start time of the current instance (for init containers: when it ran); empty while the pod is pending. */
    public Optional<Instant> startTime() {
        synchronized (lock()) {
            if (init) {
                return initStartedMillis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(initStartedMillis));
            }
            return counter == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(counter.startMillis()));
        }
    }

    /** How often the container restarted. */
    public int restartCount() {
        synchronized (lock()) {
            return restartCount;
        }
    }

    /**
     * Restarts the container now: the old instance exits (its CPU stays in the pod's and node's totals), a new one
     * starts with its counter at 0 and a new start time, {@code restartCount} + 1. Returns the new restart count.
     */
    public int restart() {
        checkNotInit();
        synchronized (lock()) {
            if (!isRunning()) {
                throw new IllegalStateException("container " + this + " is not running");
            }
            long now = pod.node().nowMillis();
            lastTermination = new long[] {counter.startMillis(), now};
            counter.stop(now);
            restartCount++;
            startInstance(now);
            return restartCount;
        }
    }

    @Override
    public String toString() {
        return pod.namespace() + "/" + pod.name() + "/" + name;
    }

    // ----- package-private model, all called under the node lock -----

    Object lock() {
        return pod.node();
    }

    void startInstance(long startMillis) {
        counter = new CpuCounter(startMillis, rateNanocores);
        containerId = pod.node().randomHex(64);
        pod.registerCounter(counter);
    }

    void runInit(long startedMillis, long finishedMillis) {
        initStartedMillis = startedMillis;
        initFinishedMillis = finishedMillis;
        containerId = pod.node().randomHex(64);
    }

    void stopAt(long millis) {
        if (counter != null) {
            counter.stop(millis);
        }
    }

    boolean isRunning() {
        return !init && counter != null && !counter.stopped() && pod.phaseUnlocked() == PodPhase.RUNNING;
    }

    CpuCounter counter() {
        return counter;
    }

    String containerId() {
        return containerId;
    }

    int restartCountUnlocked() {
        return restartCount;
    }

    long[] lastTermination() {
        return lastTermination;
    }

    long initStartedMillis() {
        return initStartedMillis;
    }

    long initFinishedMillis() {
        return initFinishedMillis;
    }

    /** {@code resources.limits.memory} in bytes, 0 for none. */
    long memoryLimitBytes() {
        return memoryLimitBytes;
    }

    void memoryLimitBytes(long limitBytes) {
        this.memoryLimitBytes = limitBytes;
    }

    long rateSetNanocores() {
        return rateNanocores;
    }

    /** Latest sample time of the current instance, empty before its first housekeeping or when not running. */
    Optional<Long> sampleMillis(long nowMillis) {
        if (init) {
            return initStartedMillis == 0 ? Optional.empty() : Optional.of(Math.max(grid.latest(nowMillis),
                    initFinishedMillis));
        }
        if (!isRunning()) {
            return Optional.empty();
        }
        long sample = grid.latest(nowMillis);
        return sample < counter.startMillis() ? Optional.empty() : Optional.of(sample);
    }

    long memoryAt(long sampleMillis) {
        if (init) {
            return 0;
        }
        long level = memoryLevels.get(0)[1];
        for (long[] entry : memoryLevels) {
            if (entry[0] <= sampleMillis) {
                level = entry[1];
            }
        }
        return pod.node().jitter(level, pod.uid() + "/" + name, sampleMillis);
    }

    void forgetBefore(long beforeMillis) {
        while (memoryLevels.size() > 1 && memoryLevels.get(1)[0] <= beforeMillis) {
            memoryLevels.remove(0);
        }
        if (counter != null) {
            counter.forgetBefore(beforeMillis);
        }
    }

    private void checkNotInit() {
        if (init) {
            throw new IllegalStateException("init container " + this + " has completed; it cannot be changed");
        }
    }
}
