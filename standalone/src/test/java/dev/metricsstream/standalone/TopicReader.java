package dev.metricsstream.standalone;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads node-metrics and pod-metrics from the beginning, keeping every value (not only the latest). */
final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, NodeMetrics> nodes;
    private final KafkaConsumer<String, PodMetrics> pods;
    final List<ConsumerRecord<String, NodeMetrics>> nodeRecords = new ArrayList<>();
    final List<ConsumerRecord<String, PodMetrics>> podRecords = new ArrayList<>();
    final Map<String, PodMetrics> latestPods = new HashMap<>();
    final Map<String, NodeMetrics> latestNodes = new HashMap<>();

    TopicReader(Map<String, Object> clientConfig, Topics topics) {
        // no consumer group: partitions assigned by hand, so no rebalance can stall the reading
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

    private static void assignAll(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever arrived; call from the condition of an Awaitility wait. */
    void drain() {
        for (ConsumerRecord<String, NodeMetrics> record : nodes.poll(Duration.ofMillis(10))) {
            nodeRecords.add(record);
            latestNodes.put(record.key(), record.value());
        }
        for (ConsumerRecord<String, PodMetrics> record : pods.poll(Duration.ofMillis(50))) {
            podRecords.add(record);
            latestPods.put(record.key(), record.value());
        }
    }

    @Override
    public void close() {
        nodes.close();
        pods.close();
    }
}
