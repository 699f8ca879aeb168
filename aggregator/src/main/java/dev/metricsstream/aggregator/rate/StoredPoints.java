package dev.metricsstream.aggregator.rate;

import java.util.Objects;

/**
 * What the aggregator remembers of one node or container between scrapes: metrics-server's {@code prev} and
 * {@code last}. {@code previous} is null when no rate can be computed yet.
 */
public record StoredPoints(MetricsPoint previous, MetricsPoint last) {

    public StoredPoints {
        Objects.requireNonNull(last, "last");
    }

    static StoredPoints only(MetricsPoint last) {
        return new StoredPoints(null, last);
    }
}
