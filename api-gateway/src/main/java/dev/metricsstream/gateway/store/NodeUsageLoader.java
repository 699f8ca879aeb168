package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.schemas.RecordDecodingException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The {@code node-usage} loader's step for one record: Avro bytes → {@link NodeUsage} → {@link NodeUsageView#decode}
 * → {@link NodeUsageView#put}; a tombstone removes the node. Poison records and records whose node name is not their
 * key are reported to the listener and skipped. Called on the loader thread only.
 */
public final class NodeUsageLoader {
    private final NodeUsageView view;
    private final Deserializer<NodeUsage> decoder;
    private final LoadListener listener;

    public NodeUsageLoader(NodeUsageView view, Deserializer<NodeUsage> decoder, LoadListener listener) {
        this.view = view;
        this.decoder = decoder;
        this.listener = listener;
    }

    /** Applies one record of {@code topic} ({@code value} null: the node is gone). */
    public void apply(String topic, String key, byte[] value) {
        if (value == null) {
            view.remove(key);
            return;
        }
        NodeUsage usage;
        try {
            usage = decoder.deserialize(topic, value);
        } catch (RecordDecodingException e) {
            listener.dropped(topic, key, e.reason().label() + ": " + e.getMessage());
            return;
        }
        if (!usage.getNodeName().equals(key)) {
            listener.dropped(topic, key, "key-mismatch");
            return;
        }
        NodeUsageView.NodeEntry entry = NodeUsageView.decode(usage);
        view.put(entry, usage.getScrapeResolutionMillis());
        if (entry.metrics() != null) {
            listener.loaded("node", entry.metrics().getTimestampMillis());
        }
        long newestPod = Long.MIN_VALUE;
        for (NodeUsageView.StoredPod pod : entry.pods()) {
            newestPod = Math.max(newestPod, pod.metrics().getTimestampMillis());
        }
        if (newestPod != Long.MIN_VALUE) {
            listener.loaded("pod", newestPod);
        }
    }
}
