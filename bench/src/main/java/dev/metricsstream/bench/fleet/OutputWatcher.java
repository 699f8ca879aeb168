package dev.metricsstream.bench.fleet;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.schemas.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Splits freshness in two: reads {@code node-metrics} as it is written and records now − sample time of every node
 * value (the aggregator's share: scrape produced → rate published), next to the prober's end-to-end figure.
 */
public final class OutputWatcher implements AutoCloseable {
    private final KafkaConsumer<String, NodeMetrics> consumer;
    private final LatencyRecorder delay;
    private volatile boolean running = true;
    private final Thread thread;

    public OutputWatcher(String bootstrap, String topic, LatencyRecorder delay) {
        this.delay = delay;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-output-watcher");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(NodeMetrics.class)
                .deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        thread = new Thread(this::run, "output-watcher");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, NodeMetrics> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        delay.record((System.currentTimeMillis() - record.value().getTimestampMillis()) * 1000);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
