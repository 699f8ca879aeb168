package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;

/** One record the aggregator publishes: a new value or a tombstone, for a node or a pod. */
public sealed interface Emission {

    String key();

    /** Record timestamp: the kubelet sample time for values, the aggregator's clock for tombstones. */
    long timestampMillis();

    record NodeUpdate(String key, NodeMetrics value, long timestampMillis) implements Emission {
    }

    record NodeTombstone(String key, long timestampMillis) implements Emission {
    }

    record PodUpdate(String key, PodMetrics value, long timestampMillis) implements Emission {
    }

    record PodTombstone(String key, long timestampMillis) implements Emission {
    }
}
