package dev.metricsstream.aggregator;

import dev.metricsstream.avro.NodeScrape;
import java.time.Duration;

/**
 * The scrape resolution each scrape carries (its collector's {@code SCRAPE_RESOLUTION}; the aggregator's own setting
 * for scrapes from collectors that did not carry it) and the staleness bound that follows from it: the configured
 * {@code STALENESS_BOUND}, else 3 × the longest resolution seen since start (3 × the configured resolution until a
 * scrape carries one). One instance per stream task; not thread-safe.
 */
final class ScrapeResolution {
    static final int RESOLUTIONS_PER_BOUND = 3;

    private final Duration fallback;
    private final Duration configuredBound;
    private Duration bound;
    private long longestMillis;

    ScrapeResolution(AggregatorConfig config) {
        this.fallback = config.scrapeResolution();
        this.configuredBound = config.stalenessBoundConfigured() ? config.stalenessBound() : null;
        this.bound = config.stalenessBound();
    }

    /** The resolution {@code scrape} was taken at; remembers it for the staleness bound. */
    Duration of(NodeScrape scrape) {
        Long carried = scrape.getScrapeResolutionMillis();
        Duration resolution = carried != null && carried > 0 ? Duration.ofMillis(carried) : fallback;
        if (resolution.toMillis() > longestMillis) {
            longestMillis = resolution.toMillis();
            if (configuredBound == null) {
                bound = resolution.multipliedBy(RESOLUTIONS_PER_BOUND);
            }
        }
        return resolution;
    }

    /** A node silent for longer than this is stale. */
    Duration stalenessBound() {
        return bound;
    }
}
