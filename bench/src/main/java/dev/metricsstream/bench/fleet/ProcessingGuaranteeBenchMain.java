package dev.metricsstream.bench.fleet;

import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.aggregator.TopicAdministration;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The measurement behind the processing-guarantee choice in docs/architecture.md: how fast one aggregator (in this
 * JVM, 1 stream thread, RocksDB, the full topology) works through a pre-loaded backlog under {@code at_least_once}
 * (commit every 30 s, the default, and every 100 ms) and {@code exactly_once_v2} (commit every 100 ms, its default).
 *
 * <p>Each run pre-loads {@code nodes × rounds} scrapes of a {@link SimulatedFleet} without churn or restarts (15 s
 * apart, sample times near now: the topics delete by record time) into fresh topics with 6 partitions, starts the
 * aggregator and times from Kafka Streams {@code RUNNING} until every expected pod value ({@code nodes × podsPerNode
 * × (rounds − 1)}: the first round gives no rate) was read back from {@code pod-metrics} ({@code read_committed}).
 * One warm-up run (not reported), then {@code repeats} rounds of the three settings interleaved. The broker runs in
 * its own JVM ({@link BrokerMain}). Writes {@code bench/results/<timestamp>-processing-guarantee.json}.
 *
 * <pre>
 * java -cp … dev.metricsstream.bench.fleet.ProcessingGuaranteeBenchMain [nodes=500] [podsPerNode=100] [rounds=3]
 *     [repeats=5] [results=bench/results]
 * </pre>
 */
public final class ProcessingGuaranteeBenchMain {

    static final int PARTITIONS = 6;
    static final long RESOLUTION_MILLIS = 15_000;
    static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** One processing setting: the guarantee and the commit interval ({@code null}: the guarantee's default). */
    record Setting(String guarantee, String commitInterval) {
        String label() {
            return guarantee + ", commit " + (commitInterval == null ? "default" : commitInterval);
        }
    }

    static final List<Setting> SETTINGS = List.of(new Setting(StreamsConfig.AT_LEAST_ONCE, null),
            new Setting(StreamsConfig.AT_LEAST_ONCE, "100ms"), new Setting(StreamsConfig.EXACTLY_ONCE_V2, null));

    private ProcessingGuaranteeBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int podsPerNode = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Path results = Path.of(args.length > 4 ? args[4] : "bench/results");
        if (rounds < 2) {
            throw new IllegalArgumentException("rounds must be at least 2: the first round gives no rate");
        }
        Path runDir = Files.createTempDirectory("metrics-stream-guarantee-");
        System.out.println("run directory " + runDir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "processing-guarantee");
        result.put("time", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("loadAverageAtStart", Machine.loadAverage());
        result.put("nodes", nodes);
        result.put("podsPerNode", podsPerNode);
        result.put("rounds", rounds);
        result.put("podSamples", (long) nodes * podsPerNode * rounds);
        result.put("partitions", PARTITIONS);
        result.put("repeats", repeats);
        BrokerMain.Started broker = BrokerMain.startProcess(runDir, "512m", line -> { });
        try {
            Bench bench = new Bench(broker.bootstrap(), runDir, nodes, podsPerNode, rounds);
            bench.run(SETTINGS.get(0), -1); // warm-up (JIT, RocksDB), not reported
            Map<Setting, List<Map<String, Object>>> runs = new LinkedHashMap<>();
            for (int repeat = 0; repeat < repeats; repeat++) {
                for (Setting setting : SETTINGS) {
                    Map<String, Object> run = bench.run(setting, repeat);
                    System.out.println("BENCH " + run);
                    runs.computeIfAbsent(setting, s -> new ArrayList<>()).add(run);
                }
            }
            List<Map<String, Object>> summary = new ArrayList<>();
            runs.forEach((setting, list) -> summary.add(summary(setting, list)));
            result.put("settings", summary);
        } finally {
            broker.process().close();
        }
        result.put("loadAverageAtEnd", Machine.loadAverage());
        Path out = ResultFile.write(results, "processing-guarantee", result);
        System.out.println(ResultFile.json(result));
        System.out.println("result: " + out);
    }

    static Map<String, Object> summary(Setting setting, List<Map<String, Object>> runs) {
        List<Double> seconds = runs.stream().map(r -> (Double) r.get("seconds")).toList();
        List<Double> sorted = seconds.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        long podSamples = (Long) runs.get(0).get("podSamples");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("setting", setting.label());
        summary.put("processingGuarantee", setting.guarantee());
        summary.put("commitInterval", setting.commitInterval() == null ? "default" : setting.commitInterval());
        summary.put("seconds", seconds);
        summary.put("medianSeconds", median);
        summary.put("medianPodSamplesPerSecond", Math.round(podSamples / median));
        return summary;
    }

    /** Runs of one configuration of the fleet against one broker. */
    private record Bench(String bootstrap, Path runDir, int nodes, int podsPerNode, int rounds) {

        Map<String, Object> run(Setting setting, int repeat) throws Exception {
            String prefix = String.format(Locale.ROOT, "pg%d%d.", System.nanoTime() % 1_000_000, repeat + 1);
            Topics topics = Topics.withPrefix(prefix);
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("TOPIC_PREFIX", prefix);
            env.put("APPLICATION_ID", "bench-" + prefix.replace(".", ""));
            env.put("STATE_DIR", runDir.resolve("state-" + prefix.replace(".", "")).toString());
            env.put("PROCESSING_GUARANTEE", setting.guarantee());
            if (setting.commitInterval() != null) {
                env.put("COMMIT_INTERVAL", setting.commitInterval());
            }
            env.put("STALENESS_BOUND", "1h");
            env.put("OPS_PORT", "-1");
            env.put("TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
            env.put("TOPIC_REPLICATION_FACTOR", "1");
            AggregatorConfig config = AggregatorConfig.from(env);
            try (TopicAdministration.Started created = TopicAdministration.kafkaAdmin().start(config, topics)) {
                HealthCheck.Result check = created.readiness().check();
                if (!check.healthy()) {
                    throw new IllegalStateException("topics not created: " + check.detail());
                }
            }
            long produceStart = System.nanoTime();
            Set<String> expected = produce(topics);
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            Map<String, Object> clientConfig = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (MetricsTopicsReader out = new MetricsTopicsReader(clientConfig, topics);
                 AggregatorApp app = AggregatorApp.start(config, AggregatorApp.Deps.production())) {
                long deadline = System.nanoTime() + WAIT_NANOS;
                while (app.streams().state() != KafkaStreams.State.RUNNING) {
                    check(deadline, "Kafka Streams RUNNING");
                    Thread.sleep(20);
                }
                long start = System.nanoTime();
                while (out.distinctPodValues().size() < expected.size()) {
                    check(deadline, expected.size() + " pod values (read " + out.distinctPodValues().size() + ")");
                    out.drain();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long podSamples = (long) nodes * podsPerNode * rounds;
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("setting", setting.label());
                run.put("repeat", repeat);
                run.put("podSamples", podSamples);
                run.put("podValuesExpected", expected.size());
                run.put("seconds", Math.round(seconds * 100) / 100.0);
                run.put("podSamplesPerSecond", Math.round(podSamples / seconds));
                run.put("scrapesPerSecond", Math.round(nodes * rounds / seconds));
                run.put("podRecordsRead", out.podRecords().size());
                run.put("inputProducedSeconds", Math.round(produceSeconds * 10) / 10.0);
                run.put("loadAverage", Machine.loadAverage());
                return run;
            }
        }

        /** Produces every round of every node; returns the pod values the aggregator must publish for them. */
        private Set<String> produce(Topics topics) throws Exception {
            long firstSampleMillis = System.currentTimeMillis() / 60_000 * 60_000 - 120_000;
            SimulatedFleet fleet = new SimulatedFleet(nodes, podsPerNode, 0, 0, 7,
                    firstSampleMillis - RESOLUTION_MILLIS);
            Map<String, Object> producerConfig = new HashMap<>();
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
            producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            Set<String> expected = new HashSet<>();
            try (KafkaProducer<String, NodeScrape> producer = new KafkaProducer<>(producerConfig,
                    topics.kubeletScrapes().keySerde().serializer(),
                    topics.kubeletScrapes().valueSerde().serializer())) {
                for (int round = 0; round < rounds; round++) {
                    long sampleMillis = firstSampleMillis + round * RESOLUTION_MILLIS;
                    for (int node = 0; node < nodes; node++) {
                        NodeScrape scrape = fleet.scrape(node, sampleMillis);
                        producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), null,
                                scrape.getScrapeTimeMillis(), scrape.getNodeName(), scrape));
                        if (round > 0) {
                            for (PodSample pod : scrape.getPods()) {
                                expected.add(pod.getNamespace() + "/" + pod.getName() + "@" + sampleMillis);
                            }
                        }
                    }
                }
                producer.flush();
            }
            return expected;
        }

        private static void check(long deadlineNanos, String waitingFor) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("timed out waiting for " + waitingFor);
            }
        }
    }
}
