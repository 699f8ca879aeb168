package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.PodKey;
import dev.metricsstream.schemas.RecordDecodingException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The gateway's topology: only global stores, so every replica holds everything (no partitions assigned, no
 * consumer group). Each store is filled by a small loader processor that validates the record (a payload that does
 * not decode is counted, logged and skipped instead of stopping the global thread) and chooses the store key:
 * pods under {@code namespace\0name} ({@link StoreKeys}), windows only the newest per entity and size. Since Kafka
 * 3.8 (KAFKA-7663) a global store is restored through the same processor, so the keys are the same after a restart.
 * Stores are in memory: they are rebuilt from the compacted topics at every start (150,000 pods ≈ 75 MB).
 */
public final class StoreTopology {
    public static final String NODES = "gateway-node-metrics";
    public static final String PODS = "gateway-pod-metrics";
    public static final String NODE_WINDOWS = "gateway-node-windows";
    public static final String POD_WINDOWS = "gateway-pod-windows";

    /** Topic names the gateway reads. */
    public record Topics(String nodeMetrics, String podMetrics, String nodeWindows, String podWindows) {
    }

    private StoreTopology() {
    }

    public static Topology build(Topics topics, LoadListener listener) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addGlobalStore(store(NODES), topics.nodeMetrics(), consumed(),
                () -> new NodeLoader(topics.nodeMetrics(), listener));
        builder.addGlobalStore(store(PODS), topics.podMetrics(), consumed(),
                () -> new PodLoader(topics.podMetrics(), listener));
        builder.addGlobalStore(store(NODE_WINDOWS), topics.nodeWindows(), consumed(),
                () -> new WindowLoader(NODE_WINDOWS, topics.nodeWindows(), listener));
        builder.addGlobalStore(store(POD_WINDOWS), topics.podWindows(), consumed(),
                () -> new WindowLoader(POD_WINDOWS, topics.podWindows(), listener));
        return builder.build();
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
        // a global store's changelog is its source topic: logging must be off
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }

    private static Consumed<String, byte[]> consumed() {
        return Consumed.with(Serdes.String(), Serdes.ByteArray());
    }

    private abstract static class Loader implements Processor<String, byte[], Void, Void> {
        final String storeName;
        final String topic;
        final LoadListener listener;
        KeyValueStore<String, byte[]> store;

        Loader(String storeName, String topic, LoadListener listener) {
            this.storeName = storeName;
            this.topic = topic;
            this.listener = listener;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                listener.dropped(topic, null, "null-key");
                return;
            }
            try {
                load(record.key(), record.value());
            } catch (RecordDecodingException e) {
                listener.dropped(topic, record.key(), e.reason().label() + ": " + e.getMessage());
            }
        }

        abstract void load(String key, byte[] value);
    }

    private static final class NodeLoader extends Loader {
        NodeLoader(String topic, LoadListener listener) {
            super(NODES, topic, listener);
        }

        @Override
        void load(String key, byte[] value) {
            if (value == null) {
                store.delete(key);
                return;
            }
            NodeMetrics node = RecordCodec.node(topic, value);
            if (!node.getNodeName().equals(key)) {
                listener.dropped(topic, key, "key-mismatch");
                return;
            }
            store.put(key, value);
            listener.loaded("node", node.getTimestampMillis());
        }
    }

    private static final class PodLoader extends Loader {
        PodLoader(String topic, LoadListener listener) {
            super(PODS, topic, listener);
        }

        @Override
        void load(String key, byte[] value) {
            PodKey podKey;
            try {
                podKey = PodKey.parse(key);
            } catch (IllegalArgumentException e) {
                listener.dropped(topic, key, "key-not-namespace/name");
                return;
            }
            String storeKey = StoreKeys.pod(podKey.namespace(), podKey.name());
            if (value == null) {
                store.delete(storeKey);
                return;
            }
            PodMetrics pod = RecordCodec.pod(topic, value);
            if (!StoreKeys.pod(pod.getNamespace(), pod.getName()).equals(storeKey)) {
                listener.dropped(topic, key, "key-mismatch");
                return;
            }
            store.put(storeKey, value);
            listener.loaded("pod", pod.getTimestampMillis());
        }
    }

    /** Keeps the newest closed window per entity and window size; window topics are not compacted. */
    private static final class WindowLoader extends Loader {
        WindowLoader(String storeName, String topic, LoadListener listener) {
            super(storeName, topic, listener);
        }

        @Override
        void load(String key, byte[] value) {
            if (value == null) {
                return;
            }
            MetricsWindow window = RecordCodec.window(topic, value);
            listener.window(window);
            String storeKey = StoreKeys.window(window.getEntityKind().name(), window.getEntity(),
                    window.getWindowSizeMillis());
            byte[] current = store.get(storeKey);
            if (current == null || RecordCodec.window(topic, current).getWindowStartMillis() <= window.getWindowStartMillis()) {
                store.put(storeKey, value);
            }
        }
    }
}
