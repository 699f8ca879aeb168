package dev.metricsstream.testkit.kafka;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the aggregator's outputs, {@code node-metrics} and {@code pod-metrics}, from the beginning as they are
 * published, keeping every value (not only the latest) and the latest per key (null for a tombstone). Committed
 * records only, so records of aborted exactly-once transactions are not counted. Call {@link #drain()} from the
 * condition of an Awaitility wait.
 */
public final class MetricsTopicsReader implements AutoCloseable {
    private final KafkaConsumer<String, NodeMetrics> nodes;
    private final KafkaConsumer<String, PodMetrics> pods;
    private final List<ConsumerRecord<String, NodeMetrics>> nodeRecords = new ArrayList<>();
    private final List<ConsumerRecord<String, PodMetrics>> podRecords = new ArrayList<>();
    private final Map<String, PodMetrics> latestPods = new HashMap<>();
    private final Map<String, NodeMetrics> latestNodes = new HashMap<>();
    private final Set<String> distinctPodValues = new HashSet<>();

    public MetricsTopicsReader(Map<String, Object> clientConfig, Topics topics) {
        // no consumer group: every partition assigned by hand, so no rebalance can stall the reading
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        nodes = new KafkaConsumer<>(config, topics.nodeMetrics().keySerde().deserializer(),
                topics.nodeMetrics().valueSerde().deserializer());
        assignAll(nodes, topics.nodeMetrics().name());
        pods = new KafkaConsumer<>(config, topics.podMetrics().keySerde().deserializer(),
                topics.podMetrics().valueSerde().deserializer());
        assignAll(pods, topics.podMetrics().name());
    }

    public MetricsTopicsReader(KafkaBroker broker, Topics topics) {
        this(broker.clientConfig(), topics);
    }

    private static void assignAll(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever arrived since the last call. */
    public void drain() {
        for (ConsumerRecord<String, NodeMetrics> record : nodes.poll(Duration.ofMillis(10))) {
            nodeRecords.add(record);
            latestNodes.put(record.key(), record.value());
        }
        for (ConsumerRecord<String, PodMetrics> record : pods.poll(Duration.ofMillis(50))) {
            podRecords.add(record);
            latestPods.put(record.key(), record.value());
            if (record.value() != null) {
                distinctPodValues.add(record.key() + "@" + record.value().getTimestampMillis());
            }
        }
    }

    /** Every node-metrics record read so far, in arrival order. */
    public List<ConsumerRecord<String, NodeMetrics>> nodeRecords() {
        return nodeRecords;
    }

    /** Every pod-metrics record read so far, in arrival order. */
    public List<ConsumerRecord<String, PodMetrics>> podRecords() {
        return podRecords;
    }

    /** The latest value per pod key; a key mapped to null was tombstoned. */
    public Map<String, PodMetrics> latestPods() {
        return latestPods;
    }

    /** The latest value per node; a key mapped to null was tombstoned. */
    public Map<String, NodeMetrics> latestNodes() {
        return latestNodes;
    }

    /** Distinct (pod, sample time) pairs published, so a replayed value counts once. */
    public Set<String> distinctPodValues() {
        return distinctPodValues;
    }

    @Override
    public void close() {
        nodes.close();
        pods.close();
    }
}
