package dev.metricsstream.aggregator.rate;

/**
 * One kubelet sample of a node or a container, as metrics-server's {@code MetricsPoint}.
 *
 * @param startTimeMillis       when the container (or node) started; cumulative CPU was zero then. {@code 0} when
 *                              unknown, which behaves like Go's zero {@code time.Time}: before every timestamp.
 * @param timestampMillis       when the kubelet measured the CPU counter (memory is reported at this time too)
 * @param cumulativeCpuNanos    CPU time used since {@code startTimeMillis}, in nanoseconds (nanocore-seconds)
 * @param memoryWorkingSetBytes working set at {@code timestampMillis}
 */
public record MetricsPoint(long startTimeMillis, long timestampMillis, long cumulativeCpuNanos,
                           long memoryWorkingSetBytes) {

    /** Start time used when the kubelet did not report one (Go's zero time sorts before everything too). */
    public static final long UNKNOWN_START_TIME_MILLIS = 0L;

    public MetricsPoint {
        if (cumulativeCpuNanos < 0) {
            throw new IllegalArgumentException("cumulativeCpuNanos must not be negative, got " + cumulativeCpuNanos);
        }
        if (memoryWorkingSetBytes < 0) {
            throw new IllegalArgumentException("memoryWorkingSetBytes must not be negative, got "
                    + memoryWorkingSetBytes);
        }
    }

    /** The synthetic first point of a fresh container: (start time, zero CPU), same memory. */
    MetricsPoint startOfLife() {
        return new MetricsPoint(startTimeMillis, startTimeMillis, 0L, memoryWorkingSetBytes);
    }
}
