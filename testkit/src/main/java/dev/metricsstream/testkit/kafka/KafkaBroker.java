package dev.metricsstream.testkit.kafka;

import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A real Kafka broker for tests (one per module test run, see {@link KafkaBrokerExtension}). Tests create their
 * own uniquely named topics, so they never see each other's records.
 */
public interface KafkaBroker {

    /** {@code host:port} for {@code bootstrap.servers}; the same before and after {@link #restart()}. */
    String bootstrapServers();

    /** What runs, e.g. "in-process KRaft broker 4.3.1 at localhost:40123". */
    String description();

    /** Creates a topic with replication factor 1 and waits until it exists. */
    void createTopic(String name, int partitions, Map<String, String> configs);

    /** Creates a declared topic with its intended configuration. */
    default void createTopic(Topic<?, ?> topic, int partitions) {
        createTopic(topic.name(), partitions, topic.configs());
    }

    /** A topic name no other test of this run uses: {@code base-<n>-<random>}. */
    String uniqueTopicName(String base);

    /**
     * All metrics-stream topics under a prefix no other test uses, created with their declared configuration
     * and the given partition count.
     */
    Topics createUniqueTopics(int partitions);

    /** Client settings every client of this broker needs (bootstrap servers, short timeouts for tests). */
    Map<String, Object> clientConfig();

    /** An idempotent producer with acks=all; the caller closes it. */
    <K, V> KafkaProducer<K, V> newProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer);

    default <K, V> KafkaProducer<K, V> newProducer(Topic<K, V> topic) {
        return newProducer(topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** A consumer in its own new group reading from the earliest offset; the caller closes it. */
    <K, V> KafkaConsumer<K, V> newConsumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer);

    default <K, V> KafkaConsumer<K, V> newConsumer(Topic<K, V> topic) {
        return newConsumer(topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    /**
     * Reads the topic from the beginning of every partition until at least {@code count} records arrived, or
     * fails with an AssertionError naming what was read when {@code timeout} passes.
     */
    <K, V> List<ConsumerRecord<K, V>> readAtLeast(Topic<K, V> topic, int count, Duration timeout);

    /** Whether {@link #stop()} and {@link #restart()} are available (the in-process broker has them). */
    boolean supportsRestart();

    /** True unless stopped. */
    boolean isRunning();

    /** Stops the broker: clients see connection failures. Data and address are kept for {@link #restart()}. */
    void stop();

    /** Starts a stopped broker again on the same address with the same data; waits until it serves requests. */
    void restart();
}
