package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the measurement behind the processing-guarantee choice in docs/architecture.md. Runs only when asked
 * ({@code ./mvnw -B -pl aggregator -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ProcessingGuaranteeBench -Dmetricsstream.bench=true}) and prints its figures; asserts nothing about time.
 *
 * <p>Each run pre-loads 1,500 scrapes (500 nodes × 100 pods × 3 rounds = 150,000 pod samples) into fresh topics,
 * starts one aggregator (1 stream thread, RocksDB, full topology with windows) and times from RUNNING until every
 * expected pod and node value (2 rounds × 50,000 pods) is read back from the output topics.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ProcessingGuaranteeBench {

    static final int NODES = 500;
    static final int PODS = 100;
    static final int ROUNDS = 3;

    @TempDir
    Path temp;

    @Test
    void at_least_once_versus_exactly_once_v2(KafkaBroker broker) throws Exception {
        assumeTrue(Boolean.getBoolean("metricsstream.bench"), "a benchmark: run with -Dmetricsstream.bench=true");
        List<String> results = new ArrayList<>();
        run(broker, StreamsConfig.AT_LEAST_ONCE, null, -1); // warm-up (JIT, RocksDB), not reported
        for (int repeat = 0; repeat < 5; repeat++) {
            results.add(run(broker, StreamsConfig.AT_LEAST_ONCE, null, repeat));
            results.add(run(broker, StreamsConfig.AT_LEAST_ONCE, "100ms", repeat));
            results.add(run(broker, StreamsConfig.EXACTLY_ONCE_V2, null, repeat));
        }
        results.forEach(System.out::println);
    }

    private String run(KafkaBroker broker, String guarantee, String commitInterval, int repeat) throws Exception {
        Topics topics = broker.createUniqueTopics(6);
        // sample times near now: topics delete by record time (24 h), so 2023 timestamps would vanish
        long firstSampleMillis = System.currentTimeMillis() / 60_000 * 60_000 - 120_000;
        SyntheticFleet fleet = new SyntheticFleet(NODES, PODS, 1, firstSampleMillis, 15_000);
        long produceStart = System.nanoTime();
        Map<String, Object> producerConfig = new HashMap<>(broker.clientConfig());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, NodeScrape> producer = new KafkaProducer<>(producerConfig,
                topics.kubeletScrapes().keySerde().serializer(), topics.kubeletScrapes().valueSerde().serializer())) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int node = 0; node < NODES; node++) {
                    NodeScrape scrape = fleet.scrape(node, round);
                    producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), null,
                            scrape.getScrapeTimeMillis(), scrape.getNodeName(), scrape));
                }
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("APPLICATION_ID", "bench-" + topics.prefix().replace(".", ""));
        env.put("STATE_DIR", temp.resolve(guarantee + repeat).toString());
        env.put("PROCESSING_GUARANTEE", guarantee);
        if (commitInterval != null) {
            env.put("COMMIT_INTERVAL", commitInterval);
        }
        env.put("STALENESS_BOUND", "1h");
        env.put("OPS_PORT", "-1");
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        int expectedPods = NODES * PODS * (ROUNDS - 1);
        try (MetricsTopicsReader out = new MetricsTopicsReader(broker, topics);
             AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(env), new PrometheusRegistry())) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            long start = System.nanoTime();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
                out.drain();
                return out.distinctPodValues().size() >= expectedPods;
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(java.util.Locale.ROOT,
                    "BENCH guarantee=%s commit=%s repeat=%d podSamples=%d seconds=%.2f podSamplesPerSecond=%.0f"
                            + " scrapesPerSecond=%.0f podRecordsRead=%d (input produced in %.1f s)",
                    guarantee, commitInterval == null ? "default" : commitInterval, repeat, NODES * PODS * ROUNDS,
                    seconds, NODES * PODS * ROUNDS / seconds,
                    NODES * ROUNDS / seconds, out.podRecords().size(), produceSeconds);
        }
    }
}
