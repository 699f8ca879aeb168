package dev.metricsstream.aggregator.rate;

/**
 * A computed usage, as metrics-server's {@code resourceUsage} returns it.
 *
 * @param cpuNanocores          CPU rate over the window, truncated to whole nanocores as metrics-server does
 * @param memoryWorkingSetBytes working set of the newer point
 * @param timestampMillis       time of the newer point
 * @param windowNanos           time between the two points
 */
public record Usage(long cpuNanocores, long memoryWorkingSetBytes, long timestampMillis, long windowNanos) {
}
