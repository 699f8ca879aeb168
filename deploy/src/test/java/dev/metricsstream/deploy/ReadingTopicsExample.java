package dev.metricsstream.deploy;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The README's "Reading the topics" example, compiled and run by {@link ReadingTopicsExampleIT} so that it cannot
 * rot. The text between the README markers is copied verbatim into README.md (checked by the IT).
 */
final class ReadingTopicsExample {
    private ReadingTopicsExample() {
    }

    // README-BEGIN
    /** Prints every pod's CPU and memory as the aggregator publishes them; returns after `polls` polls. */
    static void printPodMetrics(String bootstrapServers, String topicPrefix, int polls, Consumer<String> out) {
        Topic<String, PodMetrics> topic = Topics.withPrefix(topicPrefix).podMetrics(); // key: "namespace/name"
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "my-pod-metrics-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, PodMetrics> consumer = new KafkaConsumer<>(config,
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            for (int i = 0; i < polls; i++) {
                for (ConsumerRecord<String, PodMetrics> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.value() == null) { // tombstone: the pod is gone
                        out.accept(record.key() + " deleted");
                        continue;
                    }
                    PodMetrics pod = record.value();
                    long cpuNanocores = 0;
                    long memoryBytes = 0;
                    for (ContainerMetrics container : pod.getContainers()) {
                        cpuNanocores += container.getCpuNanocores();
                        memoryBytes += container.getMemoryWorkingSetBytes();
                    }
                    out.accept(String.format(java.util.Locale.ROOT, "%s/%s on %s: %dm CPU, %d MiB",
                            pod.getNamespace(), pod.getName(), pod.getNodeName(),
                            cpuNanocores / 1_000_000, memoryBytes / (1024 * 1024)));
                }
            }
        }
    }
    // README-END
}
