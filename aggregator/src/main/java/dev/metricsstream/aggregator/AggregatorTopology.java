package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.state.NodeStateSerde;
import dev.metricsstream.aggregator.window.WindowAggregate;
import dev.metricsstream.aggregator.window.WindowAggregateSerde;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.schemas.WindowKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The aggregator's Kafka Streams topology, a pure function of topics and configuration.
 *
 * <pre>
 * kubelet-scrapes ─▶ scrape processor ─┬─▶ node-metrics (compacted)
 *   state: node-state (per node)       ├─▶ pod-metrics  (compacted)
 *   + wall-clock staleness punctuator  ├─▶ repartition by node ─▶ 1m/5m/1h windows ─▶ node-metrics-windows
 *                                      └─▶ repartition by pod  ─▶ 1m/5m/1h windows ─▶ pod-metrics-windows
 * </pre>
 */
public final class AggregatorTopology {

    /** The per-node state store (changelogged): last points of the node and of each of its containers. */
    public static final String NODE_STATE_STORE = "node-state";

    private AggregatorTopology() {
    }

    /** Name of the queryable window store for one entity kind and window size, e.g. {@code pod-windows-5m}. */
    public static String windowStoreName(EntityKind kind, Duration size) {
        return kind.name().toLowerCase(Locale.ROOT) + "-windows-" + Durations.format(size);
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

        Topic<String, ?> scrapes = topics.kubeletScrapes();
        KStream<String, Emission> emissions = builder
                .stream(scrapes.name(), Consumed.with(scrapes.keySerde(), topics.kubeletScrapes().valueSerde())
                        .withName("kubelet-scrapes"))
                .process(() -> new ScrapeProcessor(NODE_STATE_STORE, config, metrics), Named.as("scrape"),
                        NODE_STATE_STORE);

        Map<String, KStream<String, Emission>> branches = emissions.split(Named.as("emission-"))
                .branch((key, emission) -> emission instanceof Emission.NodeUpdate
                        || emission instanceof Emission.NodeTombstone, Branched.as("node"))
                .defaultBranch(Branched.as("pod"));

        KStream<String, NodeMetrics> nodes = branches.get("emission-node").mapValues(
                emission -> emission instanceof Emission.NodeUpdate update ? update.value() : null,
                Named.as("node-metrics-value"));
        nodes.to(topics.nodeMetrics().name(), Produced.with(topics.nodeMetrics().keySerde(),
                topics.nodeMetrics().valueSerde()).withName("node-metrics"));

        KStream<String, PodMetrics> pods = branches.get("emission-pod").mapValues(
                emission -> emission instanceof Emission.PodUpdate update ? update.value() : null,
                Named.as("pod-metrics-value"));
        pods.to(topics.podMetrics().name(), Produced.with(topics.podMetrics().keySerde(),
                topics.podMetrics().valueSerde()).withName("pod-metrics"));

        windows(nodes, EntityKind.NODE, topics.nodeMetrics().valueSerde(), topics.nodeMetricsWindows(), config,
                (NodeMetrics m) -> m.getCpuNanocores(), NodeMetrics::getMemoryWorkingSetBytes,
                m -> m.getNodeName(), NodeMetrics::getLabels);
        windows(pods, EntityKind.POD, topics.podMetrics().valueSerde(), topics.podMetricsWindows(), config,
                AggregatorTopology::podCpuNanocores, AggregatorTopology::podMemoryBytes,
                PodMetrics::getNodeName, PodMetrics::getLabels);
        return builder.build();
    }

    private static <V> void windows(KStream<String, V> values, EntityKind kind, Serde<V> valueSerde,
                                    Topic<String, MetricsWindow> target, AggregatorConfig config,
                                    ToLongFunction<V> cpuNanocores, ToLongFunction<V> memoryBytes,
                                    java.util.function.Function<V, String> nodeName,
                                    java.util.function.Function<V, Map<String, String>> labels) {
        String prefix = kind.name().toLowerCase(Locale.ROOT);
        KGroupedStream<String, V> grouped = values
                .filter((key, value) -> value != null, Named.as(prefix + "-values"))
                .groupByKey(Grouped.with(prefix + "-windows", Serdes.String(), valueSerde));
        for (Duration size : config.windowSizes()) {
            String store = windowStoreName(kind, size);
            Duration retention = max(config.windowStoreRetention(), size.plus(config.windowGrace()));
            grouped.windowedBy(TimeWindows.ofSizeAndGrace(size, config.windowGrace()))
                    .emitStrategy(EmitStrategy.onWindowClose())
                    .aggregate(WindowAggregate::new,
                            (key, value, aggregate) -> aggregate.add(cpuNanocores.applyAsLong(value),
                                    memoryBytes.applyAsLong(value), nodeName.apply(value), labels.apply(value)),
                            Named.as(store),
                            Materialized.<String, WindowAggregate, WindowStore<Bytes, byte[]>>as(store)
                                    .withKeySerde(Serdes.String())
                                    .withValueSerde(new WindowAggregateSerde())
                                    .withRetention(retention)
                                    .withCachingDisabled())
                    .toStream(Named.as(store + "-closed"))
                    .map((windowed, aggregate) -> KeyValue.pair(
                            new WindowKey(windowed.key(), size.toMillis(), windowed.window().start()).format(),
                            aggregate.toMetricsWindow(kind, windowed.key(), windowed.window().start(),
                                    windowed.window().end())), Named.as(store + "-window"))
                    .to(target.name(), Produced.with(target.keySerde(), target.valueSerde())
                            .withName(store + "-out"));
        }
    }

    static long podCpuNanocores(PodMetrics pod) {
        return pod.getContainers().stream().mapToLong(c -> c.getCpuNanocores()).sum();
    }

    static long podMemoryBytes(PodMetrics pod) {
        return pod.getContainers().stream().mapToLong(c -> c.getMemoryWorkingSetBytes()).sum();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
