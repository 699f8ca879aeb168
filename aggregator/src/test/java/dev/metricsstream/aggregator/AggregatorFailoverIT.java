package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two aggregator instances share the input partitions on a real broker: one runs as its own JVM (AggregatorMain,
 * exactly as deployed) and is killed with SIGKILL mid-stream; the survivor (in this JVM) must take over its
 * partitions, restore its state from the changelog and keep every published rate within 1 % of the truth: no spike
 * from lost or replayed state.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorFailoverIT {

    static final int PARTITIONS = 4;
    static final int NODES = 8;
    static final int PODS_PER_NODE = 10;
    static final int ROUNDS_BEFORE_KILL = 6;
    static final int ROUNDS = 14;
    static final Duration WAIT = Duration.ofSeconds(120);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AggregatorFailoverIT.class);

    @TempDir
    Path temp;

    @Test
    void survivor_takes_over_a_killed_instance_and_every_rate_stays_within_one_percent(KafkaBroker broker)
            throws Exception {
        Topics topics = broker.createUniqueTopics(PARTITIONS);
        String applicationId = "failover-" + topics.prefix().replace(".", "");
        // sample times near now: topics delete by record time (24 h), so old timestamps would vanish
        SyntheticFleet fleet = new SyntheticFleet(NODES, PODS_PER_NODE, 2,
                System.currentTimeMillis() / 60_000 * 60_000 - 300_000, 15_000);
        int opsPortA = freePort();
        Map<String, String> common = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "TOPIC_PREFIX", topics.prefix(),
                "APPLICATION_ID", applicationId,
                "KAFKA_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_HEARTBEAT_INTERVAL_MS", "1500",
                "COMMIT_INTERVAL", "2s",
                "TOPIC_REPLICATION_FACTOR", "1",
                "STALENESS_BOUND", "10m", // this test is not about staleness; its pauses must not tombstone
                "LOG_FORMAT", "text");

        Process instanceA = startChildJvm(common, temp.resolve("a"), opsPortA);
        try (MetricsTopicsReader out = new MetricsTopicsReader(broker, topics);
             KafkaProducer<String, NodeScrape> producer = broker.newProducer(topics.kubeletScrapes())) {
            awaitReady(opsPortA);
            Map<String, String> envB = new HashMap<>(common);
            envB.put("STATE_DIR", temp.resolve("b").toString());
            envB.put("OPS_PORT", "-1");
            try (AggregatorApp instanceB = AggregatorApp.start(AggregatorConfig.from(envB),
                    AggregatorApp.Deps.production())) {
                await().atMost(WAIT).until(() -> instanceB.streams().state() == KafkaStreams.State.RUNNING
                        && activeTasks(instanceB) > 0 && activeTasks(instanceB) < PARTITIONS);

                for (int round = 0; round < ROUNDS_BEFORE_KILL; round++) {
                    produceRound(producer, topics, fleet, round);
                }
                long lastBeforeKill = fleet.sampleTimeMillis(ROUNDS_BEFORE_KILL - 1);
                await().atMost(WAIT).until(() -> {
                    out.drain();
                    return allPodsAt(out, fleet, lastBeforeKill);
                });

                LOG.info("killing instance A; B has tasks {}", tasks(instanceB));
                instanceA.destroyForcibly().waitFor();
                LOG.info("instance A killed");
                for (int round = ROUNDS_BEFORE_KILL; round < ROUNDS; round++) {
                    produceRound(producer, topics, fleet, round);
                }
                LOG.info("all rounds produced");
                long last = fleet.sampleTimeMillis(ROUNDS - 1);
                await().atMost(WAIT).until(() -> {
                    out.drain();
                    return allPodsAt(out, fleet, last);
                });
                assertEquals(PARTITIONS, activeTasks(instanceB), "the survivor owns every partition");
                await().atMost(WAIT).untilAsserted(() -> assertTrue(instanceB.health().ready().ok(),
                        instanceB.health().ready().body()));
            }
            assertEveryRateWithinOnePercent(out, fleet);
        } finally {
            instanceA.destroyForcibly();
        }
    }

    private static void produceRound(KafkaProducer<String, NodeScrape> producer, Topics topics, SyntheticFleet fleet,
                                     int round) {
        for (int node = 0; node < fleet.nodes(); node++) {
            NodeScrape scrape = fleet.scrape(node, round);
            producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), null, scrape.getScrapeTimeMillis(),
                    scrape.getNodeName(), scrape));
        }
        producer.flush();
    }

    private static boolean allPodsAt(MetricsTopicsReader out, SyntheticFleet fleet, long timestampMillis) {
        if (out.latestPods().size() < fleet.nodes() * fleet.podsPerNode()) {
            return false;
        }
        return out.latestPods().values().stream().allMatch(p -> p != null && p.getTimestampMillis() >= timestampMillis)
                && out.latestNodes().size() == fleet.nodes()
                && out.latestNodes().values().stream()
                        .allMatch(n -> n != null && n.getTimestampMillis() >= timestampMillis);
    }

    private static void assertEveryRateWithinOnePercent(MetricsTopicsReader out, SyntheticFleet fleet) {
        Map<String, Long> podTruth = new HashMap<>();
        for (int n = 0; n < fleet.nodes(); n++) {
            for (int p = 0; p < fleet.podsPerNode(); p++) {
                podTruth.put("ns-" + (p % 5) + "/" + SyntheticFleet.podName(n, p), fleet.podRateNanocores(n, p));
            }
        }
        List<String> wrong = new ArrayList<>();
        for (ConsumerRecord<String, PodMetrics> record : out.podRecords()) {
            assertTrue(record.value() != null, "no pod was tombstoned: " + record.key());
            long cpu = AggregatorTopology.podCpuNanocores(record.value());
            long truth = podTruth.get(record.key());
            if (Math.abs(cpu - truth) > truth / 100) {
                wrong.add(record.key() + "@" + record.value().getTimestampMillis() + ": " + cpu + " vs " + truth);
            }
        }
        for (ConsumerRecord<String, NodeMetrics> record : out.nodeRecords()) {
            int node = Integer.parseInt(record.key().substring("node-".length()));
            long truth = fleet.nodeRateNanocores(node);
            long cpu = record.value().getCpuNanocores();
            if (Math.abs(cpu - truth) > truth / 100) {
                wrong.add(record.key() + "@" + record.value().getTimestampMillis() + ": " + cpu + " vs " + truth);
            }
        }
        assertEquals(List.of(), wrong, "rates off by more than 1 %");
        // no gap: the survivor restored the killed instance's points, so every round after the first has a value
        Map<String, java.util.Set<Long>> timestamps = new HashMap<>();
        for (ConsumerRecord<String, PodMetrics> record : out.podRecords()) {
            timestamps.computeIfAbsent(record.key(), k -> new java.util.TreeSet<>())
                    .add(record.value().getTimestampMillis());
        }
        java.util.Set<Long> expected = new java.util.TreeSet<>();
        for (int round = 1; round < ROUNDS; round++) {
            expected.add(fleet.sampleTimeMillis(round));
        }
        assertEquals(podTruth.keySet(), timestamps.keySet());
        timestamps.forEach((pod, seen) -> assertEquals(expected, seen, "rounds published for " + pod));
    }

    private static String tasks(AggregatorApp app) {
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream()).map(task -> task.taskId().toString()).sorted().toList()
                .toString();
    }

    private static long activeTasks(AggregatorApp app) {
        return app.streams().metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream())
                .filter(task -> task.taskId().subtopology() == 0)
                .count();
    }

    private static Process startChildJvm(Map<String, String> env, Path stateDir, int opsPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AggregatorMain.class.getName());
        builder.environment().putAll(env);
        builder.environment().put("STATE_DIR", stateDir.toString());
        builder.environment().put("OPS_HOST", "127.0.0.1");
        builder.environment().put("OPS_PORT", Integer.toString(opsPort));
        File log = new File("target/failover-instance-a.log");
        builder.redirectErrorStream(true).redirectOutput(log);
        return builder.start();
    }

    private static void awaitReady(int port) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
        await().atMost(WAIT).ignoreExceptions().until(() ->
                http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
