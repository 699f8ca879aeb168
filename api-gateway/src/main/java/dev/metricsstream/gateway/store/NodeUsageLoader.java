package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.gateway.api.PodItemRenderer;
import dev.metricsstream.schemas.AvroSerde;
import dev.metricsstream.schemas.RecordDecodingException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The {@code node-usage} loader's step for one record: Avro bytes → {@link NodeUsage} → {@link NodeUsageView#decode}
 * → {@link NodeUsageView#put}; a tombstone removes the node. Poison records and records whose node name is not their
 * key are reported to the listener and skipped. Called on the loader thread only.
 *
 * <p>Cheap in garbage, because at 2,000 pod updates a second the loader's allocation is what sizes the gateway's
 * heap and GC: each record is decoded into the objects of the one before ({@link AvroSerde}'s reuse), its strings
 * come from the node's previous record ({@link RepeatedStrings}), and what did not change since the node's previous
 * entry (label maps, the metadata parts of list items) is shared with it, so only the usage is rendered anew.
 */
public final class NodeUsageLoader {
    private final NodeUsageView view;
    private final Deserializer<NodeUsage> decoder;
    /** The decoder when it is the schemas module's serde (in production it is), which can reuse. */
    private final AvroSerde<NodeUsage> reusingDecoder;
    private final LoadListener listener;
    private final PodItemRenderer renderer = new PodItemRenderer();
    private final RepeatedStrings strings = new RepeatedStrings();
    /** The record decoded last: the next one is decoded into the same objects (nothing of it is kept). */
    private NodeUsage scratch;

    @SuppressWarnings("unchecked")
    public NodeUsageLoader(NodeUsageView view, Deserializer<NodeUsage> decoder, LoadListener listener) {
        this.view = view;
        this.decoder = decoder;
        this.reusingDecoder = decoder instanceof AvroSerde<?> avro && avro.type() == NodeUsage.class
                ? (AvroSerde<NodeUsage>) avro : null;
        this.listener = listener;
    }

    /** Applies one record of {@code topic} ({@code value} null: the node is gone). */
    public void apply(String topic, String key, byte[] value) {
        if (value == null) {
            view.remove(key);
            strings.forget(key);
            return;
        }
        NodeUsage usage;
        try {
            strings.begin(key);
            usage = reusingDecoder == null ? decoder.deserialize(topic, value)
                    : reusingDecoder.deserialize(topic, value, scratch, strings);
            scratch = usage;
        } catch (RecordDecodingException e) {
            scratch = null; // half overwritten: start the next record afresh
            listener.dropped(topic, key, e.reason().label() + ": " + e.getMessage());
            return;
        }
        if (!usage.getNodeName().equals(key)) {
            listener.dropped(topic, key, "key-mismatch");
            return;
        }
        NodeUsageView.NodeEntry entry = NodeUsageView.decode(usage, view.entry(key), renderer);
        view.put(entry, usage.getScrapeResolutionMillis());
        strings.commit();
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
