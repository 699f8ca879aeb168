package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.metrics.ScrapedSamples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The running service on a real broker: topic creation, probes and /metrics over HTTP, dead letters. */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorAppIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path stateDir;

    Map<String, String> env(KafkaBroker broker, String prefix) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", prefix);
        env.put("APPLICATION_ID", "app-it-" + prefix.replace(".", ""));
        env.put("STATE_DIR", stateDir.toString());
        env.put("OPS_HOST", "127.0.0.1");
        env.put("OPS_PORT", "0");
        env.put("TOPIC_PARTITIONS", "2");
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        return env;
    }

    HttpResponse<String> get(AggregatorApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.opsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void creates_its_topics_becomes_ready_and_sets_bad_records_aside(KafkaBroker broker) throws Exception {
        String prefix = broker.uniqueTopicName("app") + ".";
        Topics topics = Topics.withPrefix(prefix);
        try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(env(broker, prefix)),
                AggregatorApp.Deps.production())) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> ready = get(app, "/readyz?verbose");
                assertEquals(200, ready.statusCode(), ready.body());
            });
            assertEquals(200, get(app, "/livez").statusCode());
            try (Admin admin = Admin.create(broker.clientConfig())) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.podMetrics().name());
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
                        config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
                assertEquals(2, admin.describeTopics(List.of(topics.kubeletScrapes().name())).allTopicNames().get()
                        .get(topics.kubeletScrapes().name()).partitions().size());
            }

            try (KafkaProducer<byte[], byte[]> raw = broker.newProducer(new ByteArraySerializer(),
                    new ByteArraySerializer());
                 KafkaProducer<String, NodeScrape> producer = broker.newProducer(topics.kubeletScrapes())) {
                raw.send(new ProducerRecord<>(topics.kubeletScrapes().name(), "node-0".getBytes(StandardCharsets.UTF_8),
                        new byte[] {1, 2, 3})).get();
                SyntheticFleet fleet = new SyntheticFleet(1, 2, 1, System.currentTimeMillis() - 60_000, 15_000);
                for (int round = 0; round < 2; round++) {
                    NodeScrape scrape = fleet.scrape(0, round);
                    producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), scrape.getNodeName(), scrape))
                            .get();
                }
            }
            List<ConsumerRecord<byte[], byte[]>> dead = broker.readAtLeast(topics.kubeletScrapesDlq(), 1, WAIT);
            assertEquals("deserialization", new String(dead.get(0).headers().lastHeader(DeadLetters.HEADER_STAGE)
                    .value(), StandardCharsets.UTF_8));
            assertEquals(topics.kubeletScrapes().name(), new String(dead.get(0).headers()
                    .lastHeader(DeadLetters.HEADER_SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
            assertEquals(2, broker.readAtLeast(topics.podMetrics(), 2, WAIT).size(), "good records still processed");
            List<ConsumerRecord<String, NodeUsage>> usage = broker.readAtLeast(topics.nodeUsage(), 2, WAIT);
            NodeUsage latest = usage.get(usage.size() - 1).value();
            assertEquals("node-0", latest.getNodeName());
            assertEquals(2, latest.getPods().size(), "the node-batched record carries both published pods");

            await().atMost(WAIT).untilAsserted(() -> {
                String metrics = get(app, "/metrics").body();
                assertTrue(metrics.contains(
                        "metrics_stream_aggregator_dead_letters_total{stage=\"deserialization\"} 1"), metrics);
                assertTrue(metrics.contains("metrics_stream_aggregator_scrapes_total{outcome=\"applied\"} 2"));
                assertTrue(metrics.contains("kafka_streams_client_state{state=\"RUNNING\"} 1"));
                assertTrue(metrics.contains("kafka_streams_records_processed"));
            });
        }
    }

    @Test
    void every_known_label_value_of_its_counters_is_exposed_at_zero_right_after_start(KafkaBroker broker)
            throws Exception {
        String prefix = broker.uniqueTopicName("zero") + ".";
        try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(env(broker, prefix)),
                AggregatorApp.Deps.production())) {
            String body = get(app, "/metrics").body();
            ScrapedSamples samples = ScrapedSamples.parse(body);

            assertEquals(0.0, samples.get("metrics_stream_aggregator_dead_letters_total", "stage", "deserialization"),
                    body);
            assertEquals(0.0, samples.get("metrics_stream_aggregator_dead_letters_total", "stage", "processing"), body);
            List<String> missing = new java.util.ArrayList<>();
            AggregatorMetrics.SCRAPE_OUTCOMES.forEach(o -> expectZero(samples, missing,
                    "metrics_stream_aggregator_scrapes_total", "outcome", o));
            for (String kind : List.of("node", "pod")) {
                for (String cause : List.of("missing", "stale")) {
                    expectZero(samples, missing, "metrics_stream_aggregator_tombstones_total", "kind", kind,
                            "cause", cause);
                }
            }
            for (String reason : List.of("incomplete", "not_running", "no_container", "duplicate")) {
                expectZero(samples, missing, "metrics_stream_aggregator_pods_not_published_total", "reason", reason);
            }
            assertTrue(missing.isEmpty(), "not exposed at 0: " + missing + "\n" + body);
        }
    }

    @Test
    void is_ready_only_while_its_topic_administration_step_says_the_topics_are_right_and_closes_that_step(
            KafkaBroker broker) throws Exception {
        Topics topics = broker.createUniqueTopics(2); // this test's administration creates nothing
        AtomicBoolean topicsRight = new AtomicBoolean(false);
        AtomicBoolean administrationClosed = new AtomicBoolean(false);
        TopicAdministration administration = (config, ignored) -> new TopicAdministration.Started() {
            @Override
            public HealthCheck readiness() {
                return HealthCheck.of("topics", () -> topicsRight.get() ? HealthCheck.Result.passed()
                        : HealthCheck.Result.failed("not yet"));
            }

            @Override
            public void close() {
                administrationClosed.set(true);
            }
        };
        try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(env(broker, topics.prefix())),
                AggregatorApp.Deps.production().withTopics(administration))) {
            await().atMost(WAIT).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            HttpResponse<String> notReady = get(app, "/readyz");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("[-]topics failed: not yet"), notReady.body());

            topicsRight.set(true);
            await().atMost(WAIT).untilAsserted(() -> assertEquals(200, get(app, "/readyz").statusCode()));
            assertFalse(administrationClosed.get());
        }
        assertTrue(administrationClosed.get(), "closing the app closes its topic administration");
    }

    private static void expectZero(ScrapedSamples samples, List<String> missing, String name, String... labels) {
        Double value = samples.get(name, labels);
        if (value == null || value != 0.0) {
            missing.add(ScrapedSamples.key(name, labels) + "=" + value);
        }
    }

    @Test
    void reports_an_existing_topic_with_the_wrong_cleanup_policy_on_readyz(KafkaBroker broker) throws Exception {
        String prefix = broker.uniqueTopicName("wrong") + ".";
        Topics topics = Topics.withPrefix(prefix);
        broker.createTopic(topics.podMetrics().name(), 2,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
        try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(env(broker, prefix)),
                AggregatorApp.Deps.production())) {
            await().atMost(WAIT).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            HttpResponse<String> ready = get(app, "/readyz");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("[-]topics failed: topic " + topics.podMetrics().name()
                    + " has cleanup.policy=delete, expected compact"), ready.body());
            assertEquals(200, get(app, "/livez").statusCode(), "a misconfigured topic is not a reason to restart");
        }
    }
}
