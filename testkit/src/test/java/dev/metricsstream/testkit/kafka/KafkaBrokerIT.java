package dev.metricsstream.testkit.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.DeadLetterHeaders;
import dev.metricsstream.schemas.PodKey;
import dev.metricsstream.schemas.RecordDecodingException;
import dev.metricsstream.schemas.SampleRecords;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.schemas.WindowKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBroker broker;
    private final Topics topics;

    KafkaBrokerIT(KafkaBroker broker) {
        this.broker = broker;
        this.topics = broker.createUniqueTopics(2);
    }

    @Test
    void node_scrapes_go_through_the_broker_unchanged() throws Exception {
        NodeScrape scrape = SampleRecords.fullScrape();

        send(topics.kubeletScrapes(), "node-a", scrape);

        ConsumerRecord<String, NodeScrape> read = single(topics.kubeletScrapes());
        assertEquals("node-a", read.key());
        assertEquals(scrape, read.value());
    }

    @Test
    void node_metrics_and_their_tombstone_go_through_the_broker() throws Exception {
        NodeMetrics node = SampleRecords.nodeMetrics();

        send(topics.nodeMetrics(), "node-a", node);
        send(topics.nodeMetrics(), "node-a", null);

        List<ConsumerRecord<String, NodeMetrics>> read = broker.readAtLeast(topics.nodeMetrics(), 2, TIMEOUT);
        assertEquals(node, read.get(0).value());
        assertEquals("node-a", read.get(1).key());
        assertNull(read.get(1).value(), "a tombstone stays a tombstone");
    }

    @Test
    void pod_metrics_keyed_by_namespace_and_name_go_through_the_broker() throws Exception {
        PodMetrics pod = SampleRecords.podMetrics();
        String key = new PodKey(pod.getNamespace(), pod.getName()).format();

        send(topics.podMetrics(), key, pod);

        ConsumerRecord<String, PodMetrics> read = single(topics.podMetrics());
        assertEquals(new PodKey("kube-system", "coredns-7db6d8ff4d-x2k9q"), PodKey.parse(read.key()));
        assertEquals(pod, read.value());
    }

    @Test
    void metrics_windows_go_through_both_window_topics() throws Exception {
        MetricsWindow window = SampleRecords.podWindow();
        String key = new WindowKey(window.getEntity(), window.getWindowSizeMillis(), window.getWindowStartMillis())
                .format();

        send(topics.podMetricsWindows(), key, window);
        send(topics.nodeMetricsWindows(), "node-a@60000@0", window);

        ConsumerRecord<String, MetricsWindow> pods = single(topics.podMetricsWindows());
        assertEquals(key, pods.key());
        assertEquals(window, pods.value());
        assertEquals(window, single(topics.nodeMetricsWindows()).value());
    }

    @Test
    void a_dead_letter_keeps_the_raw_bytes_and_error_headers() throws Exception {
        byte[] garbage = {0x00, 0x01, (byte) 0xFF, 0x7F};
        RecordDecodingException error = assertThrows(RecordDecodingException.class,
                () -> topics.kubeletScrapes().valueSerde().deserializer().deserialize(topics.kubeletScrapes().name(),
                        garbage));
        ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>(topics.kubeletScrapesDlq().name(),
                "node-a".getBytes(StandardCharsets.UTF_8), garbage);
        deadLetter.headers().add(DeadLetterHeaders.REASON, error.reason().label().getBytes(StandardCharsets.UTF_8));
        deadLetter.headers().add(DeadLetterHeaders.SOURCE_TOPIC,
                topics.kubeletScrapes().name().getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = broker.newProducer(topics.kubeletScrapesDlq())) {
            producer.send(deadLetter).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        ConsumerRecord<byte[], byte[]> read = single(topics.kubeletScrapesDlq());
        assertArrayEquals(garbage, read.value());
        assertArrayEquals("node-a".getBytes(StandardCharsets.UTF_8), read.key());
        assertEquals("bad-header",
                new String(read.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
    }

    @Test
    void topics_are_created_with_their_declared_policies() throws Exception {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            ConfigResource scrapes = new ConfigResource(ConfigResource.Type.TOPIC, topics.kubeletScrapes().name());
            ConfigResource pods = new ConfigResource(ConfigResource.Type.TOPIC, topics.podMetrics().name());
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(scrapes, pods)).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            assertEquals("delete", configs.get(scrapes).get("cleanup.policy").value());
            assertEquals("86400000", configs.get(scrapes).get("retention.ms").value());
            assertEquals("compact", configs.get(pods).get("cleanup.policy").value());
            assertEquals(2, admin.describeTopics(List.of(topics.podMetrics().name())).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topics.podMetrics().name()).partitions().size());
        }
    }

    @Test
    void each_test_gets_topics_no_other_test_uses() {
        Topics other = broker.createUniqueTopics(1);

        assertNotEquals(topics.prefix(), other.prefix());
        assertTrue(other.kubeletScrapes().name().startsWith(other.prefix()));
    }

    @Test
    void data_and_address_survive_a_broker_restart() throws Exception {
        assumeTrue(broker.supportsRestart(), "stop/restart needs the in-process broker; " + broker.description());
        String address = broker.bootstrapServers();
        Topic<String, NodeMetrics> topic = topics.nodeMetrics();
        send(topic, "before", SampleRecords.nodeMetrics());

        try (KafkaProducer<String, NodeMetrics> producer = broker.newProducer(topic)) {
            producer.send(new ProducerRecord<>(topic.name(), "warm-up", SampleRecords.nodeMetrics()))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            broker.stop();
            assertFalse(broker.isRunning());
            // send() itself may block while the producer has no metadata, so send from another thread
            CompletableFuture<RecordMetadata> acknowledged = CompletableFuture.supplyAsync(() -> sendAndWait(
                    producer, new ProducerRecord<>(topic.name(), "during", SampleRecords.nodeMetrics())));
            assertThrows(TimeoutException.class, () -> acknowledged.get(2, TimeUnit.SECONDS),
                    "nothing can be acknowledged while the broker is down");
            broker.restart();
            acknowledged.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        assertEquals(address, broker.bootstrapServers());
        List<String> keys = broker.readAtLeast(topic, 3, TIMEOUT).stream().map(ConsumerRecord::key).toList();
        assertEquals(List.of("before", "during", "warm-up"), keys.stream().sorted().toList());
    }

    @Test
    void a_client_configured_with_the_old_address_works_after_restart() throws Exception {
        assumeTrue(broker.supportsRestart(), "stop/restart needs the in-process broker; " + broker.description());
        Topic<String, NodeMetrics> topic = topics.nodeMetrics();
        try (KafkaProducer<String, NodeMetrics> producer = broker.newProducer(topic)) {
            producer.send(new ProducerRecord<>(topic.name(), "first", SampleRecords.nodeMetrics()))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            broker.stop();
            broker.restart();
            producer.send(new ProducerRecord<>(topic.name(), "second", SampleRecords.nodeMetrics()))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        assertEquals(2, broker.readAtLeast(topic, 2, TIMEOUT).size());
    }

    @Test
    void plain_string_topics_work_too() throws Exception {
        String name = broker.uniqueTopicName("plain");
        broker.createTopic(name, 1, Map.of());
        Topic<String, String> topic = new Topic<>(name, Serdes.String(), Serdes.String(), Map.of());

        send(topic, "k", "v");

        assertEquals("v", single(topic).value());
    }

    private <K, V> void send(Topic<K, V> topic, K key, V value)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (KafkaProducer<K, V> producer = broker.newProducer(topic)) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static <K, V> RecordMetadata sendAndWait(KafkaProducer<K, V> producer, ProducerRecord<K, V> record) {
        try {
            return producer.send(record).get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CompletionException(e);
        }
    }

    private <K, V> ConsumerRecord<K, V> single(Topic<K, V> topic) {
        List<ConsumerRecord<K, V>> records = broker.readAtLeast(topic, 1, TIMEOUT);
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }
}
