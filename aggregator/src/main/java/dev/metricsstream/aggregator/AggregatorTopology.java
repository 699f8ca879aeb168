package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.state.NodeStateSerde;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.ValueMapper;
import org.apache.kafka.streams.state.Stores;


/**
 * The aggregator's Kafka Streams topology, a pure function of topics and configuration.
 *
 * <pre>
 * kubelet-scrapes ─▶ scrape processor ─┬─▶ node-usage   (compacted; the node and all its pods, per scrape)
 *   state: node-state (per node: rate  ├─▶ node-metrics (compacted; PUBLISH_NODE_METRICS)
 *   points, live values, open windows) ├─▶ pod-metrics  (compacted; PUBLISH_POD_METRICS)
 *   node-window-samples (per node and  ├─▶ node-metrics-windows (closed 1m/5m/1h windows)
 *   scrape: the published samples)     └─▶ pod-metrics-windows
 *   + wall-clock staleness punctuator
 * </pre>
 * No repartition topics and no windowed stores: windows are computed from the node's own samples.
 */
public final class AggregatorTopology {

    /** The per-node state store (changelogged): last points of the node and of each of its containers. */
    public static final String NODE_STATE_STORE = "node-state";
    /**
     * The window samples (changelogged): one chunk per node and scrape, key {@code node, 0x00, chunk time}, read back
     * by range scan when a window closes.
     */
    public static final String WINDOW_SAMPLES_STORE = "node-window-samples";

    private AggregatorTopology() {
    }

    /**
     * The Kafka Streams properties to run the topology with: the configuration's, plus the dead-letter handlers
     * (which count into {@code metrics}) and the dead-letter topic.
     */
    public static Properties streamsProperties(Topics topics, AggregatorConfig config, AggregatorMetrics metrics) {
        Properties properties = config.streamsProperties();
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.kubeletScrapesDlq().name());
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetters.Deserialization.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Processing.class);
        properties.put(DeadLetters.METRICS_CONFIG, metrics);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return properties;
    }

    public static Topology build(Topics topics, AggregatorConfig config) {
        return build(topics, config, AggregatorMetrics.unregistered());
    }

    public static Topology build(Topics topics, AggregatorConfig config, AggregatorMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NODE_STATE_STORE),
                Serdes.String(), new NodeStateSerde()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOW_SAMPLES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());

        Topic<String, ?> scrapes = topics.kubeletScrapes();
        KStream<String, Emission> emissions = builder
                .stream(scrapes.name(), Consumed.with(scrapes.keySerde(), topics.kubeletScrapes().valueSerde())
                        .withName("kubelet-scrapes"))
                .process(() -> new ScrapeProcessor(NODE_STATE_STORE, WINDOW_SAMPLES_STORE, config, metrics),
                        Named.as("scrape"), NODE_STATE_STORE, WINDOW_SAMPLES_STORE);

        Map<String, KStream<String, Emission>> branches = emissions.split(Named.as("emission-"))
                .branch((key, e) -> e instanceof Emission.NodeUsageUpdate || e instanceof Emission.NodeUsageTombstone,
                        Branched.as("usage"))
                .branch((key, e) -> e instanceof Emission.NodeUpdate || e instanceof Emission.NodeTombstone,
                        Branched.as("node"))
                .branch((key, e) -> e instanceof Emission.PodUpdate || e instanceof Emission.PodTombstone,
                        Branched.as("pod"))
                .branch((key, e) -> e instanceof Emission.WindowClosed w && w.kind() == EntityKind.NODE,
                        Branched.as("node-window"))
                .defaultBranch(Branched.as("pod-window"));

        to(branches.get("emission-usage"), topics.nodeUsage(),
                e -> e instanceof Emission.NodeUsageUpdate update ? update.value() : null);
        to(branches.get("emission-node"), topics.nodeMetrics(),
                e -> e instanceof Emission.NodeUpdate update ? update.value() : null);
        to(branches.get("emission-pod"), topics.podMetrics(),
                e -> e instanceof Emission.PodUpdate update ? update.value() : null);
        to(branches.get("emission-node-window"), topics.nodeMetricsWindows(),
                e -> ((Emission.WindowClosed) e).value());
        to(branches.get("emission-pod-window"), topics.podMetricsWindows(),
                e -> ((Emission.WindowClosed) e).value());
        return builder.build();
    }

    private static <V> void to(KStream<String, Emission> emissions, Topic<String, V> topic,
                               ValueMapper<Emission, V> value) {
        emissions.mapValues(value, Named.as(topic.name() + "-value"))
                .to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName(topic.name()));
    }

    static long podCpuNanocores(dev.metricsstream.avro.PodMetrics pod) {
        return pod.getContainers().stream().mapToLong(c -> c.getCpuNanocores()).sum();
    }

    static long podMemoryBytes(dev.metricsstream.avro.PodMetrics pod) {
        return pod.getContainers().stream().mapToLong(c -> c.getMemoryWorkingSetBytes()).sum();
    }
}
