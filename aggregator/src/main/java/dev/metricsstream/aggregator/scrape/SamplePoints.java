package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import java.util.Optional;

/**
 * Turns collector samples into rate-rule points, with metrics-server's validity rules ({@code resource/decode.go}):
 * a point needs a CPU timestamp, a non-zero cumulative CPU and a non-zero working set.
 */
public final class SamplePoints {

    private SamplePoints() {
    }

    /** A node point, or empty when the sample is incomplete (metrics-server then drops the node). */
    public static Optional<MetricsPoint> node(NodeSample sample) {
        if (sample == null) {
            return Optional.empty();
        }
        Long timestamp = timestamp(sample.getCpuTimestampMillis(), sample.getMemoryTimestampMillis());
        if (timestamp == null || isZero(sample.getCumulativeCpuNanos()) || isZero(sample.getMemoryWorkingSetBytes())) {
            return Optional.empty();
        }
        return Optional.of(new MetricsPoint(startTime(sample.getStartTimeMillis()), timestamp,
                sample.getCumulativeCpuNanos(), sample.getMemoryWorkingSetBytes()));
    }

    /** True for a container that reports zero (or no) CPU and zero (or no) memory: completed or not started. */
    public static boolean leftOut(ContainerSample sample) {
        return isZero(sample.getCumulativeCpuNanos()) && isZero(sample.getMemoryWorkingSetBytes());
    }

    /** A container point, or empty with the container incomplete. Call {@link #leftOut} first. */
    public static Optional<MetricsPoint> container(ContainerSample sample) {
        Long timestamp = timestamp(sample.getCpuTimestampMillis(), sample.getMemoryTimestampMillis());
        if (timestamp == null || isZero(sample.getCumulativeCpuNanos()) || isZero(sample.getMemoryWorkingSetBytes())) {
            return Optional.empty();
        }
        return Optional.of(new MetricsPoint(startTime(sample.getStartTimeMillis()), timestamp,
                sample.getCumulativeCpuNanos(), sample.getMemoryWorkingSetBytes()));
    }

    /** The CPU sample time (the rate is over CPU samples); the memory time only when CPU has none. */
    private static Long timestamp(Long cpuTimestampMillis, Long memoryTimestampMillis) {
        return cpuTimestampMillis != null ? cpuTimestampMillis : memoryTimestampMillis;
    }

    private static long startTime(Long startTimeMillis) {
        return startTimeMillis == null ? MetricsPoint.UNKNOWN_START_TIME_MILLIS : startTimeMillis;
    }

    private static boolean isZero(Long value) {
        return value == null || value <= 0;
    }
}
