package dev.metricsstream.gateway.store;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.metricsstream.avro.PodMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreTopologyTest {
    private static final StoreTopology.Topics TOPICS =
            new StoreTopology.Topics("node-metrics", "pod-metrics", "node-metrics-windows", "pod-metrics-windows");

    private final List<String> dropped = new ArrayList<>();
    private final List<Long> loaded = new ArrayList<>();
    private TopologyTestDriver driver;

    @BeforeEach
    void build() {
        LoadListener listener = new LoadListener() {
            @Override
            public void loaded(String kind, long sampleMillis) {
                loaded.add(sampleMillis);
            }

            @Override
            public void dropped(String topic, String key, String reason) {
                dropped.add(topic + "|" + key + "|" + reason.split(":")[0]);
            }
        };
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "gateway-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(StoreTopology.build(TOPICS, listener), properties);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private TestInputTopic<String, byte[]> topic(String name) {
        return driver.createInputTopic(name, new StringSerializer(), new ByteArraySerializer());
    }

    private List<String> keys(String store) {
        KeyValueStore<String, byte[]> kv = driver.getKeyValueStore(store);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = kv.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key.replace('\0', '|')));
        }
        return keys;
    }

    @Test
    void pods_are_stored_in_namespace_then_name_order_even_when_one_namespace_prefixes_another() {
        TestInputTopic<String, byte[]> pods = topic("pod-metrics");
        for (String[] id : new String[][] {{"a", "y"}, {"a-b", "x"}, {"a.c", "z"}, {"a", "b"}, {"ab", "a"}}) {
            pods.pipeInput(id[0] + "/" + id[1], RecordCodec.encode(pod(id[0], id[1], "n1", Map.of(), 1000, container("c", 1, 1))));
        }

        assertEquals(List.of("a|b", "a|y", "a-b|x", "a.c|z", "ab|a"), keys(StoreTopology.PODS));
        assertEquals(5, loaded.size());
    }

    @Test
    void a_tombstone_removes_the_pod_and_the_node() {
        PodMetrics web = pod("shop", "web-1", "n1", Map.of(), 1000, container("c", 1, 1));
        topic("pod-metrics").pipeInput("shop/web-1", RecordCodec.encode(web));
        topic("node-metrics").pipeInput("n1", RecordCodec.encode(node("n1", 1000, 1, 1)));
        assertArrayEquals(RecordCodec.encode(web),
                driver.<String, byte[]>getKeyValueStore(StoreTopology.PODS).get(StoreKeys.pod("shop", "web-1")));

        topic("pod-metrics").pipeInput("shop/web-1", (byte[]) null);
        topic("node-metrics").pipeInput("n1", (byte[]) null);

        assertEquals(List.of(), keys(StoreTopology.PODS));
        assertEquals(List.of(), keys(StoreTopology.NODES));
    }

    @Test
    void undecodable_and_mislabelled_records_are_counted_and_skipped_and_loading_goes_on() {
        TestInputTopic<String, byte[]> nodes = topic("node-metrics");
        nodes.pipeInput("n1", new byte[] {1, 2, 3});
        nodes.pipeInput("n2", RecordCodec.encode(node("other", 1000, 1, 1)));
        topic("pod-metrics").pipeInput("no-slash", RecordCodec.encode(pod("ns", "p", "n", Map.of(), 1, container("c", 1, 1))));
        nodes.pipeInput("n3", RecordCodec.encode(node("n3", 1000, 1, 1)));

        assertEquals(List.of("node-metrics|n1|bad-header", "node-metrics|n2|key-mismatch",
                "pod-metrics|no-slash|key-not-namespace/name"), dropped);
        assertEquals(List.of("n3"), keys(StoreTopology.NODES));
    }

    @Test
    void only_the_newest_window_per_entity_and_size_is_kept() {
        TestInputTopic<String, byte[]> windows = topic("pod-metrics-windows");
        windows.pipeInput("shop/web-1@60000@120000", RecordCodec.encode(podWindow("shop", "web-1", "n1", 60_000, 180_000)));
        windows.pipeInput("shop/web-1@60000@60000", RecordCodec.encode(podWindow("shop", "web-1", "n1", 60_000, 120_000)));
        windows.pipeInput("shop/web-1@300000@0", RecordCodec.encode(podWindow("shop", "web-1", "n1", 300_000, 300_000)));

        KeyValueStore<String, byte[]> store = driver.getKeyValueStore(StoreTopology.POD_WINDOWS);
        List<KeyValue<String, Long>> ends = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(e -> ends.add(KeyValue.pair(e.key.replace('\0', '|'), decodeEnd(e.value))));
        }
        assertEquals(List.of(KeyValue.pair("POD|shop/web-1|300000", 300_000L), KeyValue.pair("POD|shop/web-1|60000", 180_000L)), ends);
        assertNull(store.get("missing"));
    }

    private static long decodeEnd(byte[] bytes) {
        return RecordCodec.window("test", bytes).getWindowEndMillis();
    }
}
