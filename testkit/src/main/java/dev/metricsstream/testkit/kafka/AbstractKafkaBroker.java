package dev.metricsstream.testkit.kafka;

import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Client-side helpers shared by both broker kinds; subclasses only start, stop and locate the broker. */
abstract class AbstractKafkaBroker implements KafkaBroker, AutoCloseable {

    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** Stops the broker for good and releases its resources. */
    @Override
    public abstract void close();

    @Override
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return config;
    }

    @Override
    public String uniqueTopicName(String base) {
        return base + "-" + TOPIC_COUNTER.incrementAndGet() + "-"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
    }

    @Override
    public Topics createUniqueTopics(int partitions) {
        Topics topics = Topics.withPrefix(uniqueTopicName("t") + ".");
        List<NewTopic> requests = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            requests.add(topic.newTopic(partitions, (short) 1));
        }
        createTopics(requests);
        return topics;
    }

    private void createTopics(List<NewTopic> requests) {
        try (Admin admin = Admin.create(clientConfig())) {
            try {
                admin.createTopics(requests).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, requests.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + requests + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topics " + requests + " not created within " + ADMIN_TIMEOUT, e);
        }
    }

    /**
     * Creation returns once the controller committed the topic; the broker learns the leaders a moment later.
     * Waiting for them here saves every test a round of NotLeaderOrFollower retries.
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (!leadersKnown(admin, names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no leader for every partition of " + names + " within " + ADMIN_TIMEOUT);
            }
            Thread.onSpinWait();
        }
    }

    private static boolean leadersKnown(Admin admin, List<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return descriptions.values().stream()
                    .flatMap(description -> description.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // the broker's metadata has not caught up with the controller yet
            }
            throw e;
        }
    }

    @Override
    public <K, V> KafkaProducer<K, V> newProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Map<String, Object> config = clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config, keySerializer, valueSerializer);
    }

    @Override
    public <K, V> KafkaConsumer<K, V> newConsumer(Deserializer<K> keyDeserializer,
                                                  Deserializer<V> valueDeserializer) {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueTopicName("group"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, keyDeserializer, valueDeserializer);
    }

    @Override
    public <K, V> List<ConsumerRecord<K, V>> readAtLeast(Topic<K, V> topic, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = newConsumer(topic)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        if (records.size() < count) {
            throw new AssertionError("expected at least " + count + " records on " + topic.name() + " within "
                    + timeout + ", read " + records.size() + ": " + records);
        }
        return records;
    }
}
