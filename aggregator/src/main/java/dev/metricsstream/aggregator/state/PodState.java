package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.avro.PodMetrics;
import java.util.Map;
import java.util.TreeMap;

/**
 * What is remembered of one pod of a node: the points of each container (by container name), the sample time of
 * the last {@code PodMetrics} emitted for it ({@link #NOT_EMITTED} when none is live on {@code pod-metrics}) and
 * that last value itself (null when none is live), which {@code node-usage} repeats until the pod has a newer one.
 */
public record PodState(long emittedTimestampMillis, Map<String, StoredPoints> containers, PodMetrics lastEmitted) {

    public static final long NOT_EMITTED = Long.MIN_VALUE;

    public PodState {
        containers = java.util.Collections.unmodifiableMap(new TreeMap<>(containers));
    }

    public PodState(long emittedTimestampMillis, Map<String, StoredPoints> containers) {
        this(emittedTimestampMillis, containers, null);
    }

    public boolean emitted() {
        return emittedTimestampMillis != NOT_EMITTED;
    }
}
