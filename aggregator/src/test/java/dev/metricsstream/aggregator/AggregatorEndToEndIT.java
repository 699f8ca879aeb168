package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.MetricsTopicsReader;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimContainer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real chain: kubelet simulator (3 nodes, 20 pods each, real HTTPS and wire formats) → collector → real broker →
 * aggregator. A container restarts and a pod is deleted on the way. Every published pod and node rate must be within
 * 1 % of the simulator's true rate (no negative value, no spike), the deleted pod tombstoned, and every Running pod
 * served at the end.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AggregatorEndToEndIT {

    static final String TOKEN = "e2e-token";
    static final Duration RESOLUTION = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int ROUNDS = 8;
    static final int RESTART_ROUND = 3;
    static final int DELETE_ROUND = 5;

    @TempDir
    Path dir;

    @Test
    void simulator_to_collector_to_aggregator_publishes_true_rates_tombstones_and_survives_a_restart(
            KafkaBroker broker) throws Exception {
        Topics topics = broker.createUniqueTopics(3);
        SimClock clock = SimClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5)));
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(3).podsPerNode(20).seed(42).clock(clock)
                .token(TOKEN).wholeSecondSamples(true).build().start();
             CollectorApp collector = CollectorApp.start(CollectorConfig.from(collectorEnv(sim, broker, topics)),
                     CollectorApp.Deps.production().withClock(clock).withRegistry(new PrometheusRegistry())
                             .withLoopStart(CollectorApp.LoopStart.callerDriven()));
             AggregatorApp aggregator = AggregatorApp.start(AggregatorConfig.from(aggregatorEnv(broker, topics)),
                     new PrometheusRegistry());
             MetricsTopicsReader out = new MetricsTopicsReader(broker, topics)) {

            SimPod restarted = runningPods(sim.nodes().get(0)).get(2);
            SimContainer restartedContainer = restarted.containers().get(0);
            SimPod deleted = runningPods(sim.nodes().get(1)).get(4);
            String restartedKey = key(restarted);
            String deletedKey = key(deleted);

            Map<String, Long> podTruth = new HashMap<>();
            // per node: (clock time from which a rate holds, that rate); rates change when a pod is deleted
            Map<String, List<long[]>> nodeRates = new HashMap<>();
            for (SimNode node : sim.nodes()) {
                nodeRates.computeIfAbsent(node.name(), k -> new ArrayList<>())
                        .add(new long[] {Long.MIN_VALUE, node.trueCpuNanocores()});
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (SimNode node : sim.nodes()) {
                    for (SimPod pod : runningPods(node)) {
                        podTruth.put(key(pod), pod.trueCpuNanocores());
                    }
                }
                clock.advance(RESOLUTION);
                if (round == RESTART_ROUND) {
                    restartedContainer.restart();
                }
                if (round == DELETE_ROUND) {
                    sim.nodes().get(1).deletePod(deleted.namespace(), deleted.name());
                }
                for (SimNode node : sim.nodes()) {
                    nodeRates.get(node.name()).add(new long[] {clock.millis(), node.trueCpuNanocores()});
                }
                collector.scrapeOnce();
            }
            await().atMost(WAIT).until(() -> collector.publisher().sentCount() == 3L * ROUNDS);

            Set<String> runningAtEnd = sim.nodes().stream().flatMap(n -> runningPods(n).stream())
                    .map(AggregatorEndToEndIT::key).collect(Collectors.toCollection(TreeSet::new));
            long lastSample = sim.nodes().stream().mapToLong(n -> n.sampleTime().toEpochMilli()).min().orElseThrow();
            await().atMost(WAIT).until(() -> {
                out.drain();
                return runningAtEnd.stream().allMatch(k -> out.latestPods().get(k) != null
                        && out.latestPods().get(k).getTimestampMillis() >= lastSample - RESOLUTION.toMillis())
                        && out.latestPods().containsKey(deletedKey) && out.latestPods().get(deletedKey) == null;
            });

            assertNull(out.latestPods().get(deletedKey), "deleted pod tombstoned");
            assertEquals(runningAtEnd, out.latestPods().entrySet().stream().filter(e -> e.getValue() != null)
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new)),
                    "exactly the Running pods are served");
            List<String> wrong = new ArrayList<>();
            for (ConsumerRecord<String, PodMetrics> record : out.podRecords()) {
                if (record.value() == null) {
                    continue;
                }
                long cpu = record.value().getContainers().stream().mapToLong(ContainerMetrics::getCpuNanocores).sum();
                if (check(wrong, record.key(), cpu, podTruth.get(record.key()))) {
                    wrong.add("  " + record.value() + (record.key().equals(restartedKey) ? " (restarted)" : ""));
                }
                record.value().getContainers().forEach(c -> {
                    if (c.getCpuNanocores() < 0) {
                        wrong.add(record.key() + "/" + c.getName() + " negative");
                    }
                });
            }
            for (ConsumerRecord<String, NodeMetrics> record : out.nodeRecords()) {
                checkNode(wrong, record.key(), record.value(), nodeRates.get(record.key()));
            }
            assertEquals(List.of(), wrong, "values off by more than 1 % of the simulator's truth");
            long restartedValues = out.podRecords().stream().filter(r -> r.key().equals(restartedKey)
                    && r.value() != null && r.value().getTimestampMillis() > restartSampleMillis(restartedContainer))
                    .count();
            assertTrue(restartedValues >= 2, "the restarted container's pod is served again after the restart, got "
                    + restartedValues + " values");
            assertTrue(out.podRecords().size() >= runningAtEnd.size() * (ROUNDS - 2), "values published: "
                    + out.podRecords().size());
        }
    }

    private static long restartSampleMillis(SimContainer container) {
        return container.startTime().orElseThrow().toEpochMilli();
    }

    /**
     * A node value covers (timestamp − window, timestamp]. Where the true rate held over the whole interval it must
     * be within 1 %; where it changed inside (a pod deleted), it must lie between the rates before and after.
     */
    private static void checkNode(List<String> wrong, String node, NodeMetrics value, List<long[]> rates) {
        long endMillis = value.getTimestampMillis();
        long startMillis = endMillis - value.getWindowNanos() / 1_000_000;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < rates.size(); i++) {
            long from = rates.get(i)[0];
            long until = i + 1 < rates.size() ? rates.get(i + 1)[0] : Long.MAX_VALUE;
            if (from < endMillis && until > startMillis) {
                min = Math.min(min, rates.get(i)[1]);
                max = Math.max(max, rates.get(i)[1]);
            }
        }
        long cpu = value.getCpuNanocores();
        if (min == max) {
            check(wrong, node + "@" + endMillis, cpu, min);
        } else if (cpu < min - min / 100 || cpu > max + max / 100) {
            wrong.add(node + "@" + endMillis + ": " + cpu + " outside [" + min + ", " + max + "] around a change");
        }
    }

    /** Adds a line to {@code wrong} and answers true when the value is off. */
    private static boolean check(List<String> wrong, String key, long value, Long truth) {
        if (truth == null) {
            wrong.add(key + " has no truth");
            return true;
        }
        // 1 % of the true rate, with a floor of 1 µcore for near-idle containers
        if (Math.abs(value - truth) > Math.max(truth / 100, 1_000)) {
            wrong.add(key + ": " + value + " vs true " + truth);
            return true;
        }
        return false;
    }

    private static List<SimPod> runningPods(SimNode node) {
        return node.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING).toList();
    }

    private static String key(SimPod pod) {
        return pod.namespace() + "/" + pod.name();
    }

    private Map<String, String> collectorEnv(KubeletSimulator sim, KafkaBroker broker, Topics topics)
            throws Exception {
        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Map<String, String> env = new HashMap<>();
        env.put("KUBELET_TARGETS", sim.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                .collect(Collectors.joining(",")));
        env.put("KUBELET_CA_FILE", ca.toString());
        env.put("TOKEN_FILE", token.toString());
        env.put("METADATA_SOURCE", "kubelet");
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("OPS_PORT", "-1");
        env.put("SHUTDOWN_TIMEOUT", "10s");
        return env;
    }

    private Map<String, String> aggregatorEnv(KafkaBroker broker, Topics topics) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("APPLICATION_ID", "e2e-" + topics.prefix().replace(".", ""));
        env.put("STATE_DIR", dir.resolve("state").toString());
        env.put("OPS_PORT", "-1");
        env.put("STALENESS_BOUND", "10m"); // simulated time runs ahead of the wall clock here
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        return env;
    }
}
