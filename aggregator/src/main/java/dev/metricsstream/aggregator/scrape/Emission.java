package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.window.ClosedWindow;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;

/** One record the aggregator publishes: a new value or a tombstone, for a node or a pod, or a closed window. */
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

    /** The node-batched view after one applied scrape; key node name. */
    record NodeUsageUpdate(String key, NodeUsage value, long timestampMillis) implements Emission {
    }

    /** The node is gone (stale): its node-usage record is deleted. */
    record NodeUsageTombstone(String key, long timestampMillis) implements Emission {
    }

    /** A closed window, keyed {@code entity@windowSizeMillis@windowStartMillis}; timestamp = window end. */
    record WindowClosed(ClosedWindow window) implements Emission {
        @Override
        public String key() {
            return window.key();
        }

        @Override
        public long timestampMillis() {
            return window.timestampMillis();
        }

        public EntityKind kind() {
            return window.kind();
        }

        public MetricsWindow value() {
            return window.value();
        }
    }
}
