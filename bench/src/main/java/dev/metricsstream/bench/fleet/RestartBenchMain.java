package dev.metricsstream.bench.fleet;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.schemas.AvroSerde;
import dev.metricsstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * kill -9 of the aggregator process under a running fleet, then a restart with the same environment and state
 * directory: how long until output resumes and every node is fresh again. Runs once with static membership
 * ({@code GROUP_INSTANCE_ID} set) and once with dynamic membership (empty), each on its own broker.
 * {@code RestartBenchMain [nodes=200] [results=bench/results]}
 */
public final class RestartBenchMain {

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path results = Path.of(args.length > 1 ? args[1] : "bench/results");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "aggregator kill -9 and restart");
        result.put("nodes", nodes);
        result.put("podsPerNode", 30);
        result.put("resolutionSeconds", 15);
        result.put("loadAverageAtStart", Machine.loadAverage());
        result.put("static", run(nodes, "bench-aggregator-0"));
        result.put("dynamic", run(nodes, ""));
        result.put("loadAverageAtEnd", Machine.loadAverage());
        Path out = ResultFile.write(results, "restart-" + nodes + "n", result);
        System.out.println(ResultFile.json(result));
        System.out.println("result: " + out);
    }

    static Map<String, Object> run(int nodes, String instanceId) throws Exception {
        Path runDir = Files.createTempDirectory("metrics-stream-restart-");
        List<JavaProcess> processes = new ArrayList<>();
        try {
            BrokerMain.Started broker = BrokerMain.startProcess(runDir, "512m", line -> { });
            processes.add(broker.process());
            String bootstrap = broker.bootstrap();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("LOG_FORMAT", "text");
            env.put("SCRAPE_RESOLUTION", "15s");
            env.put("STATE_DIR", Files.createDirectories(runDir.resolve("aggregator-state")).toString());
            env.put("TOPIC_PARTITIONS", "6");
            env.put("OPS_PORT", "-1");
            env.put("GROUP_INSTANCE_ID", instanceId);
            List<String> jvm = new ArrayList<>(List.of("-Xmx256m"));
            jvm.addAll(FleetOptions.DEFAULT_JVM); // the fleet harness's JVM, so restart and fleet figures compare
            JavaProcess aggregator = JavaProcess.start("aggregator", "dev.metricsstream.aggregator.AggregatorMain",
                    jvm, env, runDir.resolve("aggregator.log"), null);
            processes.add(aggregator);
            Topics topics = Topics.defaults();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!admin.listTopics().names().get().containsAll(Set.of(topics.kubeletScrapes().name(),
                        topics.nodeMetrics().name()))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("aggregator created no topics");
                    }
                    Thread.sleep(500);
                }
            }
            SimulatedFleet fleet = new SimulatedFleet(nodes, 30, 0, 0, 1, System.currentTimeMillis());
            Map<String, Long> newestSampleByNode = new ConcurrentHashMap<>();
            Map<String, Long> seenAfterKillByNode = new ConcurrentHashMap<>();
            AtomicLong killMillis = new AtomicLong(Long.MAX_VALUE);
            AtomicLong restartAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstOutputAfterKill = new AtomicLong(-1);
            AtomicLong firstPromptOutputAfterKill = new AtomicLong(-1);
            List<Long> firstSampleAfterKillDelays = java.util.Collections.synchronizedList(new ArrayList<>());
            try (FleetGenerator generator = new FleetGenerator(fleet, bootstrap, topics.kubeletScrapes().name(),
                    Duration.ofSeconds(15), List.of());
                 Watcher watcher = new Watcher(bootstrap, topics.nodeMetrics().name(), (node, sampleMillis) -> {
                     long now = System.currentTimeMillis();
                     newestSampleByNode.merge(node, sampleMillis, Math::max);
                     if (now > killMillis.get()) {
                         if (now >= restartAt.get()) { // not what the killed process had already sent
                             firstOutputAfterKill.compareAndSet(-1, now);
                             if (now - sampleMillis < 1_000) {
                                 firstPromptOutputAfterKill.compareAndSet(-1, now);
                             }
                         }
                         if (sampleMillis > killMillis.get()
                                 && seenAfterKillByNode.putIfAbsent(node, now) == null) {
                             firstSampleAfterKillDelays.add(now - sampleMillis);
                         }
                     }
                 })) {
                watcher.start();
                generator.start();
                long steadyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (newestSampleByNode.size() < nodes && System.nanoTime() < steadyDeadline) {
                    Thread.sleep(1_000);
                }
                Thread.sleep(30_000); // a few rounds of steady state, a commit or two
                killMillis.set(System.currentTimeMillis());
                ProcessHandle.of(aggregator.pid()).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
                aggregator.onExit().get(30, TimeUnit.SECONDS);
                long restartMillis = System.currentTimeMillis();
                restartAt.set(restartMillis);
                JavaProcess restarted = JavaProcess.start("aggregator", "dev.metricsstream.aggregator.AggregatorMain",
                        jvm, env, runDir.resolve("aggregator-restarted.log"), null);
                processes.add(restarted);
                long waitDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (seenAfterKillByNode.size() < nodes && System.nanoTime() < waitDeadline) {
                    Thread.sleep(200);
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("groupInstanceId", instanceId.isEmpty() ? null : instanceId);
                r.put("killToRestartMillis", restartMillis - killMillis.get());
                r.put("restartToFirstOutputMillis", firstOutputAfterKill.get() < 0 ? null
                        : firstOutputAfterKill.get() - restartMillis);
                r.put("restartToOutputDelayUnder1sMillis", firstPromptOutputAfterKill.get() < 0 ? null
                        : firstPromptOutputAfterKill.get() - restartMillis);
                long allFresh = seenAfterKillByNode.size() < nodes ? -1
                        : seenAfterKillByNode.values().stream().mapToLong(Long::longValue).max().orElse(-1);
                r.put("restartToAllNodesFreshMillis", allFresh < 0 ? null : allFresh - restartMillis);
                r.put("nodesFreshAfterKill", seenAfterKillByNode.size());
                List<Long> delays;
                synchronized (firstSampleAfterKillDelays) {
                    delays = firstSampleAfterKillDelays.stream().sorted().toList();
                }
                // per node: its first sample taken after the kill, from being taken to being published; with the
                // restart this shows whether any node was left waiting beyond the round its sample arrived in
                r.put("firstSampleAfterKillToOutputP50Millis", delays.isEmpty() ? null : delays.get(delays.size() / 2));
                r.put("firstSampleAfterKillToOutputMaxMillis", delays.isEmpty() ? null : delays.get(delays.size() - 1));
                r.put("note", "fresh = a node-metrics record whose sample was taken after the kill; samples come "
                        + "every 15 s per node, so all nodes fresh needs at least the rest of one round");
                System.out.println("[restart] " + r);
                return r;
            }
        } finally {
            for (JavaProcess p : processes) {
                p.close();
            }
        }
    }

    /** Reads node-metrics from the end and reports (node, sample time) per record. */
    static final class Watcher implements AutoCloseable {
        interface Listener {
            void seen(String node, long sampleMillis);
        }

        private final KafkaConsumer<String, NodeMetrics> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        Watcher(String bootstrap, String topic, Listener listener) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-restart-watcher");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    AvroSerde.of(NodeMetrics.class).deserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            thread = new Thread(() -> {
                try {
                    while (running) {
                        for (ConsumerRecord<String, NodeMetrics> record : consumer.poll(Duration.ofMillis(100))) {
                            if (record.value() != null) {
                                listener.seen(record.key(), record.value().getTimestampMillis());
                            }
                        }
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    // closing
                } finally {
                    consumer.close();
                }
            }, "restart-watcher");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        @Override
        public void close() {
            running = false;
            consumer.wakeup();
        }
    }
}
