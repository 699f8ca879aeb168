package dev.metricsstream.aggregator.rate;

/**
 * Network throughput between two counter points.
 *
 * @param receiveBytesPerSecond  received bytes over the window, per second
 * @param transmitBytesPerSecond sent bytes over the window, per second
 * @param timestampMillis        time of the newer point
 * @param windowNanos            time between the two points
 */
public record NetworkRate(double receiveBytesPerSecond, double transmitBytesPerSecond, long timestampMillis,
                          long windowNanos) {
}
