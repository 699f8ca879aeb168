package dev.metricsstream.gateway.store;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The staleness bound: a node or pod whose newest sample is older than {@link #bound()} is not served (the HPA never
 * checks staleness itself). Applied at read time against the clock, so a replica cut off from Kafka stops serving
 * data once it is too old instead of serving it forever.
 *
 * <p>The bound is either fixed (configured) or derived from the data: 3 × the scrape resolution the aggregator
 * carries on {@code node-usage}, falling back to a default while no record has carried one.
 */
public final class Freshness {
    /** Samples older than this many resolutions are stale when the bound is derived. */
    public static final int RESOLUTIONS_PER_BOUND = 3;

    private final Duration fallback;
    private final LongSupplier scrapeResolutionMillis;

    private Freshness(Duration fallback, LongSupplier scrapeResolutionMillis) {
        this.fallback = fallback;
        this.scrapeResolutionMillis = scrapeResolutionMillis;
    }

    /** A configured bound. */
    public Freshness(Duration bound) {
        this(bound, () -> 0);
    }

    /** 3 × the resolution {@code scrapeResolutionMillis} reports when it is positive, else {@code fallback}. */
    public static Freshness derived(Duration fallback, LongSupplier scrapeResolutionMillis) {
        return new Freshness(fallback, scrapeResolutionMillis);
    }

    public Duration bound() {
        return Duration.ofMillis(boundMillis());
    }

    private long boundMillis() {
        long resolution = scrapeResolutionMillis.getAsLong();
        return resolution > 0 ? RESOLUTIONS_PER_BOUND * resolution : fallback.toMillis();
    }

    public boolean isFresh(long sampleMillis, long nowMillis) {
        return nowMillis - sampleMillis <= boundMillis();
    }

    /** Age of a sample in seconds (for the gateway's own staleness metric). */
    public static double ageSeconds(long sampleMillis, long nowMillis) {
        return (nowMillis - sampleMillis) / 1000.0;
    }
}
