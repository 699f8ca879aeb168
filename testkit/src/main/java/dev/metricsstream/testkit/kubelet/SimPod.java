package dev.metricsstream.testkit.kubelet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A pod on a simulated node. Created by the fleet builder or {@link SimNode#addPod(PodSpec)}; lives until
 * {@link SimNode#deletePod(String, String)}.
 */
public final class SimPod {

    private final SimNode node;
    private final String namespace;
    private final String name;
    private final String uid;
    private final Map<String, String> labels;
    private final Owner owner;
    private final long createdMillis;
    private final SampleGrid grid;
    private final String podIp;
    private final List<SimContainer> containers = new ArrayList<>();
    private final List<SimContainer> initContainers = new ArrayList<>();
    /** Every container instance ever started in this pod (the pod cgroup's CPU includes exited instances). */
    private final List<CpuCounter> counters = new ArrayList<>();
    /** CPU of forgotten (long exited) instances. */
    private long retiredCpuNanos;

    private PodPhase phase = PodPhase.PENDING;
    private long runningSinceMillis;

    /** Who created the pod: kind (ReplicaSet, StatefulSet, DaemonSet) and name, or null for a bare pod. */
    record Owner(String kind, String name, String uid) {
    }

    SimPod(SimNode node, String namespace, String name, String uid, Map<String, String> labels, Owner owner,
            long createdMillis, SampleGrid grid, String podIp) {
        this.node = node;
        this.namespace = namespace;
        this.name = name;
        this.uid = uid;
        this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        this.owner = owner;
        this.createdMillis = createdMillis;
        this.grid = grid;
        this.podIp = podIp;
    }

    /** The node the pod runs on. */
    /**
     * This pod as a core/v1 {@code Pod} object, compact JSON: what the kubelet's {@code /pods} lists for it, with
     * {@code kind} and {@code apiVersion} as the apiserver writes a watched or listed object (for apiserver doubles).
     */
    public String apiObjectJson() {
        return PodListWriter.podObject(this);
    }

    public SimNode node() {
        return node;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code metadata.uid}. */
    public String uid() {
        return uid;
    }

    /** Pod labels, in the order the kubelet's /pods shows them. */
    public Map<String, String> labels() {
        return labels;
    }

    /** When the pod was created ({@code metadata.creationTimestamp}, second precision on the wire). */
    public Instant creationTime() {
        return Instant.ofEpochMilli(createdMillis);
    }

    public PodPhase phase() {
        synchronized (node) {
            return phase;
        }
    }

    /** App containers, in spec order. */
    public List<SimContainer> containers() {
        return List.copyOf(containers);
    }

    /** Completed init containers, in spec order. */
    public List<SimContainer> initContainers() {
        return List.copyOf(initContainers);
    }

    /** The app or init container called {@code containerName}. */
    public SimContainer container(String containerName) {
        for (SimContainer c : containers) {
            if (c.name().equals(containerName)) {
                return c;
            }
        }
        for (SimContainer c : initContainers) {
            if (c.name().equals(containerName)) {
                return c;
            }
        }
        throw new NoSuchElementException("pod " + this + " has no container " + containerName);
    }

    /** Restarts the app container {@code containerName}; see {@link SimContainer#restart()}. */
    public int restartContainer(String containerName) {
        return container(containerName).restart();
    }

    /** Sum of the true CPU rates of the running containers (nanocores). */
    public long trueCpuNanocores() {
        synchronized (node) {
            long sum = 0;
            for (SimContainer c : containers) {
                sum += c.trueCpuNanocores();
            }
            return sum;
        }
    }

    /**
     * Moves the pod through its life: {@code PENDING → RUNNING} starts the init containers (they complete at once)
     * and the app containers now; {@code RUNNING → SUCCEEDED} stops every container now (exit code 0) and removes
     * the pod from the stats. Other transitions are refused.
     */
    public void setPhase(PodPhase next) {
        synchronized (node) {
            long now = node.nowMillis();
            if (phase == next) {
                return;
            }
            if (phase == PodPhase.PENDING && next == PodPhase.RUNNING) {
                start(now, now, now);
            } else if (phase == PodPhase.RUNNING && next == PodPhase.SUCCEEDED) {
                for (SimContainer c : containers) {
                    c.stopAt(now);
                }
                phase = PodPhase.SUCCEEDED;
            } else {
                throw new IllegalStateException("pod " + this + " cannot go from " + phase + " to " + next);
            }
        }
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }

    // ----- package-private model, called under the node lock -----

    PodPhase phaseUnlocked() {
        return phase;
    }

    void addContainer(SimContainer container) {
        (container.isInit() ? initContainers : containers).add(container);
    }

    /**
     * Runs the pod: init containers from {@code initStartMillis} (each a share of the time until
     * {@code appStartMillis}), app containers from {@code appStartMillis}; the pod counts as running (its cgroup
     * sampled) from {@code runningSinceMillis}.
     */
    void start(long runningSince, long initStartMillis, long appStartMillis) {
        long slot = initContainers.isEmpty() ? 0 : (appStartMillis - initStartMillis) / initContainers.size();
        long t = initStartMillis;
        for (SimContainer c : initContainers) {
            c.runInit(t, t + slot);
            t += slot;
        }
        for (SimContainer c : containers) {
            c.startInstance(appStartMillis);
        }
        runningSinceMillis = runningSince;
        phase = PodPhase.RUNNING;
    }

    void registerCounter(CpuCounter counter) {
        counters.add(counter);
        node.registerCounter(counter);
    }

    void stopAll(long millis) {
        for (SimContainer c : containers) {
            c.stopAt(millis);
        }
    }

    Owner owner() {
        return owner;
    }

    long createdMillis() {
        return createdMillis;
    }

    long runningSinceMillis() {
        return runningSinceMillis;
    }


    String podIp() {
        return podIp;
    }

    List<SimContainer> containersUnlocked() {
        return containers;
    }

    List<SimContainer> initContainersUnlocked() {
        return initContainers;
    }

    /** Latest sample of the pod cgroup, empty before the pod's first housekeeping or when not running. */
    Optional<Long> sampleMillis(long nowMillis) {
        if (phase != PodPhase.RUNNING) {
            return Optional.empty();
        }
        long sample = grid.latest(nowMillis);
        return sample < runningSinceMillis ? Optional.empty() : Optional.of(sample);
    }

    long cpuNanosAt(long tMillis) {
        long sum = retiredCpuNanos;
        for (CpuCounter c : counters) {
            sum += c.nanosAt(tMillis);
        }
        return sum;
    }

    long cpuRateAt(long tMillis) {
        long sum = 0;
        for (CpuCounter c : counters) {
            sum += c.rateAt(tMillis);
        }
        return sum;
    }

    /** The pod cgroup's memory limit: the sum of its containers' limits when every container has one, else 0. */
    long memoryLimitBytes() {
        long sum = 0;
        for (SimContainer c : containers) {
            if (c.memoryLimitBytes() <= 0) {
                return 0;
            }
            sum += c.memoryLimitBytes();
        }
        return sum;
    }

    /** Working set of the pod cgroup: its containers plus the sandbox (pause) process. */
    long memoryAt(long tMillis) {
        long sum = SimNode.PAUSE_CONTAINER_BYTES;
        for (SimContainer c : containers) {
            if (c.counter() != null && c.counter().startMillis() <= tMillis && !c.counter().stopped()) {
                sum += c.memoryAt(tMillis);
            }
        }
        return sum;
    }

    void forgetBefore(long beforeMillis) {
        for (Iterator<CpuCounter> it = counters.iterator(); it.hasNext(); ) {
            CpuCounter c = it.next();
            if (c.stopped() && c.stopMillis() < beforeMillis) {
                retiredCpuNanos += c.nanosAt(c.stopMillis());
                it.remove();
            }
        }
        for (SimContainer c : containers) {
            c.forgetBefore(beforeMillis);
        }
    }
}
