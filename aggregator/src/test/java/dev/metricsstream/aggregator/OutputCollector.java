package dev.metricsstream.aggregator;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads node-metrics and pod-metrics as they are published, keeping every value (not only the latest). */
final class OutputCollector implements AutoCloseable {

    private final KafkaConsumer<String, NodeMetrics> nodes;
    private final KafkaConsumer<String, PodMetrics> pods;
    final List<ConsumerRecord<String, NodeMetrics>> nodeRecords = new ArrayList<>();
    final List<ConsumerRecord<String, PodMetrics>> podRecords = new ArrayList<>();
    final Map<String, PodMetrics> latestPods = new HashMap<>();
    final Map<String, NodeMetrics> latestNodes = new HashMap<>();

    OutputCollector(KafkaBroker broker, Topics topics) {
        nodes = broker.newConsumer(topics.nodeMetrics());
        nodes.subscribe(List.of(topics.nodeMetrics().name()));
        pods = broker.newConsumer(topics.podMetrics());
        pods.subscribe(List.of(topics.podMetrics().name()));
    }

    /** Reads whatever arrived; call from the polling condition of an Awaitility wait. */
    void drain() {
        for (ConsumerRecord<String, NodeMetrics> record : nodes.poll(Duration.ofMillis(100))) {
            nodeRecords.add(record);
            latestNodes.put(record.key(), record.value());
        }
        for (ConsumerRecord<String, PodMetrics> record : pods.poll(Duration.ofMillis(100))) {
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
