package dev.metricsstream.gateway.store;

import java.time.Duration;

/**
 * The staleness bound: a node or pod whose newest sample is older than {@code bound} is not served (the HPA never
 * checks staleness itself). Applied at read time against the clock, so a replica cut off from Kafka stops serving
 * data once it is too old instead of serving it forever.
 */
public record Freshness(Duration bound) {
    public boolean isFresh(long sampleMillis, long nowMillis) {
        return nowMillis - sampleMillis <= bound.toMillis();
    }

    /** Age of a sample in seconds (for the gateway's own staleness metric). */
    public static double ageSeconds(long sampleMillis, long nowMillis) {
        return (nowMillis - sampleMillis) / 1000.0;
    }
}
