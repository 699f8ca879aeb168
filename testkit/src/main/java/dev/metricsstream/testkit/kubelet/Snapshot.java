package dev.metricsstream.testkit.kubelet;

import java.util.List;

/**
 * What one node's kubelet reports at one request, taken under the node lock and rendered outside it. A sample time
 * of {@link #NO_SAMPLE} means "no stats yet" (the kubelet then omits the values). CPU is cumulative nanoseconds at
 * microsecond resolution (cgroup v2's {@code usage_usec}).
 */
final class Snapshot {

    static final long NO_SAMPLE = Long.MIN_VALUE;

    private Snapshot() {
    }

    record Node(String name, long nowMillis, long bootMillis, long sampleMillis, long cpuNanos, long cpuRateNanocores,
            long memoryWorkingSetBytes, long memoryCapacityBytes, long kubeletCpuNanos, long kubeletCpuRate,
            long kubeletMemoryBytes, long podsCpuNanos, long podsCpuRate, long podsMemoryBytes, List<Pod> pods) {
    }

    record Pod(String namespace, String name, String uid, long startMillis, long sampleMillis, long cpuNanos,
            long cpuRateNanocores, long memoryWorkingSetBytes, long memoryLimitBytes, List<Container> containers) {
    }

    record Container(String name, boolean init, long startMillis, long sampleMillis, long cpuNanos,
            long cpuRateNanocores, long memoryWorkingSetBytes, long memoryLimitBytes) {
    }

    /** cgroup v2 reports CPU usage in microseconds. */
    static long micros(long nanos) {
        return nanos - Math.floorMod(nanos, 1000L);
    }
}
