package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.StoredPoints;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is remembered of one pod of a node: the points of each container (by container name) and the sample time of
 * the last {@code PodMetrics} emitted for it ({@link #NOT_EMITTED} when none is live on {@code pod-metrics}).
 */
public record PodState(long emittedTimestampMillis, Map<String, StoredPoints> containers) {

    public static final long NOT_EMITTED = Long.MIN_VALUE;

    public PodState {
        containers = java.util.Collections.unmodifiableMap(new TreeMap<>(containers));
    }

    public boolean emitted() {
        return emittedTimestampMillis != NOT_EMITTED;
    }
}
