package dev.metricsstream.aggregator;

import static dev.metricsstream.aggregator.Scrapes.CORE_SECOND;
import static dev.metricsstream.aggregator.Scrapes.MIB;
import static dev.metricsstream.aggregator.Scrapes.container;
import static dev.metricsstream.aggregator.Scrapes.node;
import static dev.metricsstream.aggregator.Scrapes.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.schemas.WindowKey;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node state and the window samples come back from their changelogs: a first aggregator applies 3.5 minutes of
 * scrapes and stops; a second one starts on an empty state directory (so everything it knows is restored from the
 * changelog topics) and applies the next 5 minutes. No rate is missing after the restart, and every closed window,
 * including those whose samples span both instances, equals a direct computation over the published values.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WindowSamplesRestoreIT {

    static final int NODES = 2;
    static final int PODS = 3;
    static final int FIRST_ROUNDS = 14;
    static final int ROUNDS = 34;
    static final long GRACE_MILLIS = 10_000;
    static final List<Long> SIZES = List.of(60_000L, 300_000L);
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void a_restarted_aggregator_on_an_empty_state_directory_restores_its_window_samples_from_the_changelog(
            KafkaBroker broker) throws Exception {
        Topics topics = broker.createUniqueTopics(2);
        long t0 = System.currentTimeMillis() / 300_000 * 300_000 - 900_000; // a 5-minute boundary, 15 min ago
        Random random = new Random(11);
        Map<String, long[]> cumulative = new HashMap<>();
        try (KafkaProducer<String, NodeScrape> producer = broker.newProducer(topics.kubeletScrapes());
             MetricsTopicsReader out = new MetricsTopicsReader(broker, topics)) {
            for (int round = 0; round < FIRST_ROUNDS; round++) {
                produceRound(producer, topics, t0, round, random, cumulative);
            }
            try (AggregatorApp first = AggregatorApp.start(AggregatorConfig.from(env(broker, topics, "a")),
                    AggregatorApp.Deps.production())) {
                awaitNodeValuesUpTo(out, t0 + (FIRST_ROUNDS - 1) * 15_000L);
            }
            for (int round = FIRST_ROUNDS; round < ROUNDS; round++) {
                produceRound(producer, topics, t0, round, random, cumulative);
            }
            long lastSample = t0 + (ROUNDS - 1) * 15_000L;
            try (AggregatorApp second = AggregatorApp.start(AggregatorConfig.from(env(broker, topics, "b")),
                    AggregatorApp.Deps.production())) {
                awaitNodeValuesUpTo(out, lastSample);
            }

            DirectWindows direct = new DirectWindows();
            for (ConsumerRecord<String, NodeMetrics> r : out.nodeRecords()) {
                direct.node(r.key(), r.value());
            }
            for (ConsumerRecord<String, PodMetrics> r : out.podRecords()) {
                direct.pod(r.key(), r.value());
            }
            Map<String, List<long[]>> samples = direct.samples();
            assertEquals(NODES * (1 + PODS), samples.size());
            samples.forEach((entity, list) -> assertEquals(ROUNDS - 1, list.size(),
                    entity + ": a value for every round after the first, none lost or repeated at the restart"));

            Map<String, MetricsWindow> expected = direct.expected(SIZES, lastSample - GRACE_MILLIS);
            Map<String, MetricsWindow> actual = readWindows(broker, topics, expected.size());
            assertEquals(expected.keySet(), actual.keySet());
            expected.forEach((key, window) -> assertEquals(window, actual.get(key), key));
            assertTrue(expected.containsKey(new WindowKey("n-0", 300_000L, t0).format()),
                    "a 5-minute window with samples of both instances was checked");
        }
    }

    private static void produceRound(KafkaProducer<String, NodeScrape> producer, Topics topics, long t0, int round,
                                     Random random, Map<String, long[]> cumulative) throws Exception {
        long ts = t0 + round * 15_000L;
        for (int n = 0; n < NODES; n++) {
            String nodeName = "n-" + n;
            List<PodSample> pods = new ArrayList<>();
            for (int p = 0; p < PODS; p++) {
                String name = nodeName + "-pod-" + p;
                long[] cpu = cumulative.computeIfAbsent(name, k -> new long[] {1000 * CORE_SECOND});
                cpu[0] += random.nextInt(4_000) * (CORE_SECOND / 1_000) * 15;
                pods.add(pod("ns-" + p, name, "Running",
                        container("app", t0 - 3_600_000, ts, cpu[0], (100 + random.nextInt(900)) * MIB)));
            }
            long[] nodeCpu = cumulative.computeIfAbsent(nodeName, k -> new long[] {90_000 * CORE_SECOND});
            nodeCpu[0] += random.nextInt(16_000) * (CORE_SECOND / 1_000) * 15;
            NodeScrape scrape = Scrapes.scrape(nodeName, ts + 2, node(t0 - 7_200_000, ts, nodeCpu[0],
                    (4_000 + random.nextInt(4_000)) * MIB), pods.toArray(new PodSample[0]));
            producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), nodeName, scrape)).get();
        }
    }

    private static void awaitNodeValuesUpTo(MetricsTopicsReader out, long sampleMillis) {
        await().atMost(WAIT).until(() -> {
            out.drain();
            return out.latestNodes().size() == NODES && out.latestNodes().values().stream()
                    .allMatch(v -> v != null && v.getTimestampMillis() >= sampleMillis)
                    && out.latestPods().size() == NODES * PODS && out.latestPods().values().stream()
                    .allMatch(v -> v != null && v.getTimestampMillis() >= sampleMillis);
        });
    }

    private static Map<String, MetricsWindow> readWindows(KafkaBroker broker, Topics topics, int expected) {
        Map<String, MetricsWindow> windows = new TreeMap<>();
        List<String> repeated = new ArrayList<>();
        for (Topic<String, MetricsWindow> topic : List.of(topics.nodeMetricsWindows(), topics.podMetricsWindows())) {
            try (KafkaConsumer<String, MetricsWindow> consumer = broker.newConsumer(topic)) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                        .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                await().atMost(WAIT).until(() -> {
                    for (ConsumerRecord<String, MetricsWindow> r : consumer.poll(Duration.ofMillis(100))) {
                        if (windows.put(r.key(), r.value()) != null) {
                            repeated.add(r.key());
                        }
                    }
                    return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                });
            }
        }
        assertEquals(List.of(), repeated, "every window emitted once");
        assertTrue(windows.size() >= expected, "windows read: " + windows.size() + " of " + expected);
        return windows;
    }

    private Map<String, String> env(KafkaBroker broker, Topics topics, String instance) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("APPLICATION_ID", "restore-" + topics.prefix().replace(".", ""));
        env.put("STATE_DIR", temp.resolve("state-" + instance).toString());
        env.put("OPS_PORT", "-1");
        env.put("STALENESS_BOUND", "30m"); // the samples are 15 minutes old: no node may go stale here
        env.put("WINDOW_SIZES", "1m,5m");
        env.put("WINDOW_GRACE", "10s");
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        return env;
    }
}
