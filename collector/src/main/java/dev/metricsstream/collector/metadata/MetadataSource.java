package dev.metricsstream.collector.metadata;

import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;

/**
 * Pods on a node (uid, labels, phase) and the node's labels and capacity. Two implementations: the kubelet's
 * {@code /pods} (outside a cluster, tests) and a client-java watch on the apiserver (in a cluster).
 */
public interface MetadataSource extends AutoCloseable {
    NodeMetadata metadataFor(ScrapeTarget target) throws ScrapeException;

    /** Stable name for logs ({@code kubelet}, {@code apiserver}, {@code none}). */
    String name();

    @Override
    default void close() {
    }

    /** No metadata: pods go out with phase null and no labels (the aggregator decides). */
    static MetadataSource none() {
        return new MetadataSource() {
            @Override
            public NodeMetadata metadataFor(ScrapeTarget target) {
                return NodeMetadata.NONE;
            }

            @Override
            public String name() {
                return "none";
            }
        };
    }
}
