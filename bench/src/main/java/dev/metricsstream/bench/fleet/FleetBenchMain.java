package dev.metricsstream.bench.fleet;

import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ProcStats;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.schemas.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fleet load benchmark: a broker, the aggregator and the gateway each in its own JVM; a simulated fleet's
 * NodeScrapes produced straight to {@code kubelet-scrapes} at the fleet's real rate; freshness probed and queries
 * asked through the gateway's HTTP port; CPU and peak RSS of every process read from /proc. Writes
 * {@code <results>/<timestamp>-<scenario>.json} and prints a summary table.
 * Run: {@code ./bin/metrics-stream bench --nodes 1000} or
 * {@code java -cp "$(cat bench/target/runtime-classpath.txt):bench/target/classes" ...FleetBenchMain --nodes 1000}.
 */
public final class FleetBenchMain {
    /** metrics-server's documented sizing: 1 millicore and 2 MB per node (on top of a fixed base). */
    static final double METRICS_SERVER_MILLICORES_PER_NODE = 1.0;
    static final double METRICS_SERVER_MB_PER_NODE = 2.0;
    /**
     * Real metrics-server v0.7.0 measured on a 2-core machine like ours (real apiserver, simulated kubelets, 30 pods
     * per node, 15 s): nodes, cores, MiB. The sizing rule above flatters us about twentyfold, so results compare with
     * these first.
     */
    static final double[][] METRICS_SERVER_MEASURED = {{100, 0.006, 93}, {500, 0.029, 268}, {1000, 0.053, 490}};

    /**
     * Measured metrics-server cores and MiB at a fleet size: linear between the measured sizes, beyond 1,000 nodes
     * extrapolated with the 500 → 1,000 slope (an estimate: metrics-server was not measured there), below 100
     * scaled from 100.
     */
    static double[] metricsServerMeasured(int nodes) {
        double[][] m = METRICS_SERVER_MEASURED;
        if (nodes <= m[0][0]) {
            return new double[] {m[0][1] * nodes / m[0][0], m[0][2] * nodes / m[0][0]};
        }
        int i = 1;
        while (i < m.length - 1 && nodes > m[i][0]) {
            i++;
        }
        double f = (nodes - m[i - 1][0]) / (m[i][0] - m[i - 1][0]);
        return new double[] {m[i - 1][1] + f * (m[i][1] - m[i - 1][1]), m[i - 1][2] + f * (m[i][2] - m[i - 1][2])};
    }

    private final FleetOptions options;
    private final Path runDir;
    private final List<JavaProcess> processes = new ArrayList<>();
    private volatile long kafkaBytesIn = -1;
    private volatile long kafkaBytesOut = -1;

    private FleetBenchMain(FleetOptions options, Path runDir) {
        this.options = options;
        this.runDir = runDir;
    }

    public static void main(String[] args) throws Exception {
        FleetOptions options;
        try {
            options = FleetOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2);
            return;
        }
        Path runDir = Files.createTempDirectory("metrics-stream-bench-");
        FleetBenchMain bench = new FleetBenchMain(options, runDir);
        Thread cleanup = new Thread(bench::stopAll, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Path result = bench.run();
        System.out.println("result: " + result);
    }

    Path run() throws Exception {
        say("run directory (process logs): " + runDir);
        Map<String, Object> machineAtStart = Machine.describe();
        String bootstrap = options.kafka();
        JavaProcess broker = null;
        if (bootstrap == null) {
            BrokerMain.Started started = BrokerMain.startProcess(runDir, options.brokerHeap(), line -> {
                if (line.startsWith("KAFKA_BYTES ")) {
                    String[] parts = line.split(" ");
                    kafkaBytesIn = Long.parseLong(parts[1]);
                    kafkaBytesOut = Long.parseLong(parts[2]);
                }
            });
            broker = started.process();
            processes.add(broker);
            bootstrap = started.bootstrap();
            say("broker (pid " + broker.pid() + ") at " + bootstrap);
        }
        int httpPort = freePort();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        common.put("LOG_FORMAT", "text");
        common.put("SCRAPE_RESOLUTION", options.resolution().toSeconds() + "s");
        Map<String, String> aggregatorEnv = new LinkedHashMap<>(common);
        aggregatorEnv.put("STATE_DIR", Files.createDirectories(runDir.resolve("aggregator-state")).toString());
        aggregatorEnv.put("TOPIC_PARTITIONS", Integer.toString(options.partitions()));
        aggregatorEnv.put("OPS_PORT", "0");
        aggregatorEnv.put("OPS_HOST", "127.0.0.1");
        aggregatorEnv.putAll(options.aggregatorEnv());
        Map<String, String> gatewayEnv = new LinkedHashMap<>(common);
        gatewayEnv.put("HTTP_PORT", Integer.toString(httpPort));
        gatewayEnv.put("HTTPS_PORT", Integer.toString(freePort()));
        gatewayEnv.put("BIND_ADDRESS", "127.0.0.1");
        gatewayEnv.put("AUTH_MODE", "off");
        gatewayEnv.putAll(options.gatewayEnv());
        JavaProcess aggregator = options.combined()
                ? JavaProcess.start("combined", "dev.metricsstream.combined.CombinedMain",
                        jvm(options.combinedHeap(), options.aggregatorJvm()), combinedEnv(aggregatorEnv, gatewayEnv),
                        runDir.resolve("combined.log"), null)
                : JavaProcess.start("aggregator", "dev.metricsstream.aggregator.AggregatorMain",
                        jvm(options.aggregatorHeap(), options.aggregatorJvm()), aggregatorEnv,
                        runDir.resolve("aggregator.log"), null);
        processes.add(aggregator);
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            awaitTopics(admin, Set.of(topics.kubeletScrapes().name(), topics.podMetrics().name(),
                    topics.nodeMetrics().name()), aggregator);
            say("aggregator (pid " + aggregator.pid() + ") created the topics");
            JavaProcess gateway = aggregator;
            if (!options.combined()) {
                gateway = JavaProcess.start("gateway", "dev.metricsstream.gateway.GatewayMain",
                        jvm(options.gatewayHeap(), options.gatewayJvm()), gatewayEnv, runDir.resolve("gateway.log"),
                        null);
                processes.add(gateway);
            }
            String baseUrl = "http://127.0.0.1:" + httpPort;
            awaitHttp(baseUrl + "/apis/metrics.k8s.io/v1beta1/nodes", gateway);
            say("gateway (pid " + gateway.pid() + ") serving on " + baseUrl);
            return measure(admin, bootstrap, baseUrl, aggregator, gateway, broker, machineAtStart);
        } finally {
            stopAll();
        }
    }

    private Path measure(Admin admin, String bootstrap, String baseUrl, JavaProcess aggregator, JavaProcess gateway,
            JavaProcess broker, Map<String, Object> machineAtStart) throws Exception {
        long buildStart = System.nanoTime();
        SimulatedFleet fleet = new SimulatedFleet(options.nodes(), options.podsPerNode(), options.podChurnPerScrape(),
                options.restartPerScrape(), options.seed(), System.currentTimeMillis());
        say(String.format(Locale.ROOT, "fleet of %,d nodes × %d pods (%,d deployments) built in %.1f s",
                options.nodes(), options.podsPerNode(), fleet.deployments().size(),
                JavaProcess.since(buildStart).toMillis() / 1000.0));
        List<String> probed = new ArrayList<>();
        for (int i = 0; i < options.probedNodes(); i++) {
            probed.add(SimulatedFleet.nodeName((int) ((long) i * options.nodes() / options.probedNodes())));
        }
        LatencyRecorder freshness = new LatencyRecorder();
        LatencyRecorder aggregatorDelay = new LatencyRecorder();
        Map<JavaProcess, ProcStats> before = new LinkedHashMap<>();
        Map<JavaProcess, ProcStats> after = new LinkedHashMap<>();
        List<JavaProcess> measured = new ArrayList<>(processes);
        long maxLag = 0;
        long lastLag;
        try (FleetGenerator generator = new FleetGenerator(fleet, bootstrap, Topics.defaults().kubeletScrapes().name(),
                options.resolution(), probed);
             FreshnessProber prober = new FreshnessProber(generator, probed, baseUrl, freshness);
             QueryLoad queries = new QueryLoad(baseUrl, fleet.deployments(), options.seed());
             OutputWatcher watcher = new OutputWatcher(bootstrap, Topics.defaults().nodeMetrics().name(),
                     aggregatorDelay)) {
            watcher.start();
            generator.start();
            prober.start();
            queries.start(options.queryRate(), options.topInterval());
            long start = System.nanoTime();
            long warmupEnd = start + options.warmup().toNanos();
            long end = warmupEnd + options.duration().toNanos();
            boolean measuring = false;
            long measureStartAcked = 0;
            long measureStartPods = 0;
            long measureStartNanos = 0;
            long measureStartIn = 0;
            long measureStartOut = 0;
            double measureStartProducerBytes = 0;
            String loadAtMeasureStart = "";
            long lastAcked = 0;
            long lastTick = start;
            lastLag = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(5_000);
                long now = System.nanoTime();
                for (JavaProcess p : measured) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(p.name() + " exited; see " + runDir.resolve(p.name() + ".log"));
                    }
                }
                if (!measuring && now >= warmupEnd) {
                    measuring = true;
                    for (JavaProcess p : measured) {
                        before.put(p, p.sample());
                    }
                    measureStartAcked = generator.acked();
                    measureStartPods = generator.podSamplesAcked();
                    measureStartNanos = now;
                    measureStartIn = kafkaBytesIn;
                    measureStartOut = kafkaBytesOut;
                    measureStartProducerBytes = generator.producerBytesSent();
                    loadAtMeasureStart = Machine.loadAverage();
                    prober.measuring(true);
                    aggregatorDelay.measuring(true);
                    queries.measuring(true);
                    maxLag = 0;
                    say("warmup over: measuring for " + options.duration().toSeconds() + " s");
                }
                lastLag = consumerLag(admin);
                if (measuring) {
                    maxLag = Math.max(maxLag, lastLag);
                }
                long acked = generator.acked();
                double rate = (acked - lastAcked) / ((now - lastTick) / 1e9);
                lastAcked = acked;
                lastTick = now;
                long lastFresh = freshness.lastMicros();
                StringBuilder cpu = new StringBuilder();
                for (JavaProcess p : measured) {
                    ProcStats s = p.sample();
                    cpu.append(String.format(Locale.ROOT, " %s %.0fMB", p.name(),
                            s == null ? 0.0 : s.rssBytes() / 1e6));
                }
                say(String.format(Locale.ROOT,
                        "%s %4ds  %,7.0f scrapes/s  behind %5d ms  lag %,d  node-metrics delay %s  freshness last %s p99 %s"
                                + "  load %s |%s",
                        measuring ? "measure" : "warmup ", Duration.ofNanos(now - start).toSeconds(), rate,
                        generator.currentBehindMillis(), lastLag,
                        aggregatorDelay.lastMicros() < 0 ? "-" : String.format(Locale.ROOT, "%.2fs",
                                aggregatorDelay.lastMicros() / 1e6),
                        lastFresh < 0 ? "-" : String.format(Locale.ROOT, "%.2fs", lastFresh / 1e6),
                        freshness.count() == 0 ? "-" : String.format(Locale.ROOT, "%.2fs",
                                freshness.percentileMillis(99) / 1000),
                        Machine.loadAverage(), cpu));
            }
            long measureEnd = System.nanoTime();
            for (JavaProcess p : measured) {
                after.put(p, p.sample());
            }
            prober.measuring(false);
            aggregatorDelay.measuring(false);
            queries.measuring(false);
            double seconds = (measureEnd - measureStartNanos) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", options.scenario());
            result.put("startedAt", Instant.now().minusNanos(System.nanoTime() - start).toString());
            result.put("machine", machineAtStart);
            result.put("loadAverageAtMeasureStart", loadAtMeasureStart);
            result.put("loadAverageAtEnd", Machine.loadAverage());
            Map<String, Object> fleetInfo = new LinkedHashMap<>();
            fleetInfo.put("nodes", options.nodes());
            fleetInfo.put("podsPerNode", options.podsPerNode());
            fleetInfo.put("pods", (long) options.nodes() * options.podsPerNode());
            fleetInfo.put("deployments", fleet.deployments().size());
            fleetInfo.put("resolutionSeconds", options.resolution().toMillis() / 1000.0);
            fleetInfo.put("warmupSeconds", options.warmup().toSeconds());
            fleetInfo.put("measuredSeconds", seconds);
            fleetInfo.put("podChurnPerScrape", options.podChurnPerScrape());
            fleetInfo.put("restartPerScrape", options.restartPerScrape());
            fleetInfo.put("podsReplaced", fleet.podsCreated());
            fleetInfo.put("containerRestarts", fleet.restarts());
            fleetInfo.put("externalKafka", options.kafka() != null);
            fleetInfo.put("aggregatorEnv", options.aggregatorEnv());
            fleetInfo.put("gatewayEnv", options.gatewayEnv());
            fleetInfo.put("aggregatorHeap", options.aggregatorHeap());
            fleetInfo.put("gatewayHeap", options.gatewayHeap());
            fleetInfo.put("aggregatorJvm", String.join(" ", options.aggregatorJvm()));
            fleetInfo.put("gatewayJvm", String.join(" ", options.gatewayJvm()));
            if (options.combined()) {
                fleetInfo.put("combinedHeap", options.combinedHeap());
            }
            result.put("fleet", fleetInfo);
            Map<String, Object> throughput = new LinkedHashMap<>();
            double targetRate = options.nodes() / (options.resolution().toMillis() / 1000.0);
            double scrapesPerSecond = (generator.acked() - measureStartAcked) / seconds;
            throughput.put("targetScrapesPerSecond", targetRate);
            throughput.put("scrapesPerSecond", scrapesPerSecond);
            throughput.put("podSamplesPerSecond", (generator.podSamplesAcked() - measureStartPods) / seconds);
            throughput.put("producerFailures", generator.failed());
            throughput.put("generatorMaxBehindMillis", generator.maxBehindMillis());
            throughput.put("aggregatorCommittedLagMaxRecords", maxLag);
            throughput.put("aggregatorCommittedLagAtEndRecords", lastLag);
            throughput.put("lagNote", "committed offsets: includes up to one commit interval (30 s by default)");
            result.put("throughput", throughput);
            Map<String, Object> fresh = new LinkedHashMap<>(freshness.summary());
            fresh.put("probedNodes", probed.size());
            fresh.put("missedSamples", prober.missed());
            fresh.put("probeRequests", prober.polls());
            result.put("freshness", fresh);
            result.put("aggregatorOutputDelay", aggregatorDelay.summary());
            Map<String, Object> latency = new LinkedHashMap<>();
            queries.shapes().forEach((shape, recorder) -> latency.put(shape, recorder.summary()));
            latency.put("hpaQueriesPerSecond", options.queryRate());
            latency.put("topIntervalSeconds", options.topInterval().toSeconds());
            latency.put("topPodsResponseBytes", queries.lastTopPodsBytes());
            result.put("queryLatency", latency);
            Map<String, Object> procs = new LinkedHashMap<>();
            double pipelineCores = 0;
            double pipelinePeakMb = 0;
            double brokerCores = 0;
            double brokerPeakMb = 0;
            for (JavaProcess p : measured) {
                ProcStats b = before.get(p);
                ProcStats a = after.get(p);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("pid", p.pid());
                double cores = (a.cpuNanos() - b.cpuNanos()) / 1e9 / seconds;
                entry.put("cpuSecondsPerSecond", cores);
                entry.put("peakRssBytes", a.peakRssBytes());
                entry.put("rssAtEndBytes", a.rssBytes());
                procs.put(p.name(), entry);
                if (p == broker) {
                    brokerCores = cores;
                    brokerPeakMb = a.peakRssBytes() / 1e6;
                } else {
                    pipelineCores += cores;
                    pipelinePeakMb += a.peakRssBytes() / 1e6;
                }
            }
            ProcStats self = ProcStats.read(ProcessHandle.current().pid());
            procs.put("harness(generator+prober+queries)", Map.of("peakRssBytes", self == null ? -1 : self.peakRssBytes()));
            result.put("processes", procs);
            Map<String, Object> kafka = new LinkedHashMap<>();
            kafka.put("producerBytesPerSecond", (generator.producerBytesSent() - measureStartProducerBytes) / seconds);
            if (kafkaBytesIn >= 0 && measureStartIn >= 0) {
                kafka.put("brokerBytesInPerSecond", (kafkaBytesIn - measureStartIn) / seconds);
                kafka.put("brokerBytesOutPerSecond", (kafkaBytesOut - measureStartOut) / seconds);
            }
            result.put("kafka", kafka);
            Map<String, Object> cost = new LinkedHashMap<>();
            int nodes = options.nodes();
            cost.put("pipeline", "aggregator + gateway (the collector runs on each node: see the footprint bench)");
            cost.put("millicoresPerNode", pipelineCores * 1000 / nodes);
            cost.put("mbPerNode", pipelinePeakMb / nodes);
            cost.put("millicoresPerNodeWithBroker", (pipelineCores + brokerCores) * 1000 / nodes);
            cost.put("mbPerNodeWithBroker", (pipelinePeakMb + brokerPeakMb) / nodes);
            double[] msMeasured = metricsServerMeasured(nodes);
            cost.put("metricsServerMeasuredCores", msMeasured[0]);
            cost.put("metricsServerMeasuredMiB", msMeasured[1]);
            cost.put("metricsServerMeasuredIsExtrapolated", nodes > 1000);
            cost.put("pipelineCores", pipelineCores);
            cost.put("pipelinePeakMiB", pipelinePeakMb * 1e6 / (1 << 20));
            cost.put("cpuRatioToMetricsServerMeasured", pipelineCores / msMeasured[0]);
            cost.put("memoryRatioToMetricsServerMeasured", pipelinePeakMb * 1e6 / (1 << 20) / msMeasured[1]);
            cost.put("metricsServerMillicoresPerNode", METRICS_SERVER_MILLICORES_PER_NODE);
            cost.put("metricsServerMbPerNode", METRICS_SERVER_MB_PER_NODE);
            cost.put("cpuRatioToMetricsServer", pipelineCores * 1000 / nodes / METRICS_SERVER_MILLICORES_PER_NODE);
            cost.put("memoryRatioToMetricsServer", pipelinePeakMb / nodes / METRICS_SERVER_MB_PER_NODE);
            result.put("perNodeCost", cost);
            // committed-offset lag saw-tooths with the commit interval (30 s at-least-once), so keeping up is judged
            // on the produced rate and on the aggregator's output delay staying within one resolution at p99
            double outputP99Millis = aggregatorDelay.percentileMillis(99);
            boolean keptUp = scrapesPerSecond >= targetRate * 0.95 && Double.isFinite(outputP99Millis)
                    && outputP99Millis < options.resolution().toMillis();
            result.put("keptUp", keptUp);
            Path out = ResultFile.write(options.resultsDir(), options.scenario(), result);
            printSummary(result);
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    static void printSummary(Map<String, Object> r) {
        Map<String, Object> t = (Map<String, Object>) r.get("throughput");
        Map<String, Object> f = (Map<String, Object>) r.get("freshness");
        Map<String, Object> q = (Map<String, Object>) r.get("queryLatency");
        Map<String, Object> c = (Map<String, Object>) r.get("perNodeCost");
        Map<String, Object> fleet = (Map<String, Object>) r.get("fleet");
        StringBuilder s = new StringBuilder("\n");
        s.append(String.format(Locale.ROOT, "| %-34s | %s |%n", "fleet", fleet.get("nodes") + " nodes × "
                + fleet.get("podsPerNode") + " pods @ " + fleet.get("resolutionSeconds") + " s"));
        s.append("|------------------------------------|------------------------------|\n");
        row(s, "scrapes/s (target)", String.format(Locale.ROOT, "%.0f (%.0f)", t.get("scrapesPerSecond"),
                t.get("targetScrapesPerSecond")));
        row(s, "pod samples/s", String.format(Locale.ROOT, "%.0f", t.get("podSamplesPerSecond")));
        row(s, "committed lag max / end (records)", t.get("aggregatorCommittedLagMaxRecords") + " / "
                + t.get("aggregatorCommittedLagAtEndRecords"));
        row(s, "freshness p50 / p99 / max (ms)", f.get("p50Millis") + " / " + f.get("p99Millis") + " / "
                + f.get("maxMillis") + " (n=" + f.get("count") + ", missed " + f.get("missedSamples") + ")");
        Map<String, Object> d = (Map<String, Object>) r.get("aggregatorOutputDelay");
        row(s, "node-metrics delay p50 / p99 (ms)", d.get("p50Millis") + " / " + d.get("p99Millis"));
        for (String shape : List.of("hpa", "httpFloor", "topPods", "topNodes")) {
            Map<String, Object> l = (Map<String, Object>) q.get(shape);
            row(s, shape + " latency p50 / p99 / max (ms)", l.get("p50Millis") + " / " + l.get("p99Millis") + " / "
                    + l.get("maxMillis") + " (n=" + l.get("count") + ", errors " + l.get("errors") + ")");
        }
        ((Map<String, Object>) r.get("processes")).forEach((name, v) -> {
            Map<String, Object> p = (Map<String, Object>) v;
            if (p.containsKey("cpuSecondsPerSecond")) {
                row(s, name + " CPU s/s, peak RSS MB", String.format(Locale.ROOT, "%.3f, %.0f",
                        p.get("cpuSecondsPerSecond"), ((Number) p.get("peakRssBytes")).doubleValue() / 1e6));
            }
        });
        row(s, "per node: millicores, MB", String.format(Locale.ROOT, "%.3f, %.3f (metrics-server 1, 2)",
                c.get("millicoresPerNode"), c.get("mbPerNode")));
        row(s, "metrics-server measured: cores, MiB", String.format(Locale.ROOT, "%.3f, %.0f%s",
                c.get("metricsServerMeasuredCores"), c.get("metricsServerMeasuredMiB"),
                Boolean.TRUE.equals(c.get("metricsServerMeasuredIsExtrapolated")) ? " (extrapolated)" : ""));
        row(s, "ratio to measured metrics-server cpu, mem", String.format(Locale.ROOT, "%.2f×, %.2f×",
                c.get("cpuRatioToMetricsServerMeasured"), c.get("memoryRatioToMetricsServerMeasured")));
        row(s, "ratio to sizing rule cpu, mem", String.format(Locale.ROOT, "%.2f×, %.2f×",
                c.get("cpuRatioToMetricsServer"), c.get("memoryRatioToMetricsServer")));
        row(s, "kept up", String.valueOf(r.get("keptUp")));
        row(s, "load average (start, end)", r.get("loadAverageAtMeasureStart") + " → " + r.get("loadAverageAtEnd"));
        System.out.println(s);
    }

    private static void row(StringBuilder s, String name, String value) {
        s.append(String.format(Locale.ROOT, "| %-34s | %s |%n", name, value));
    }

    /**
     * The one environment of the combined process: each service's own variables under its prefix (CombinedConfig
     * gives them to that service only), what the JVM and logback read unprefixed.
     */
    static Map<String, String> combinedEnv(Map<String, String> aggregatorEnv, Map<String, String> gatewayEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        aggregatorEnv.forEach((k, v) -> env.put("AGGREGATOR_" + k, v));
        gatewayEnv.forEach((k, v) -> env.put("GATEWAY_" + k, v));
        for (String unprefixed : List.of("LOG_FORMAT", "LOG_LEVEL", "JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX")) {
            String value = aggregatorEnv.getOrDefault(unprefixed, gatewayEnv.get(unprefixed));
            if (value != null) {
                env.remove("AGGREGATOR_" + unprefixed);
                env.remove("GATEWAY_" + unprefixed);
                env.put(unprefixed, value);
            }
        }
        return env;
    }

    private static List<String> jvm(String heap, List<String> flags) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        jvm.addAll(flags);
        return jvm;
    }

    private long consumerLag(Admin admin) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    "metrics-stream-aggregator").partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            String topic = Topics.defaults().kubeletScrapes().name();
            Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
            for (int p = 0; p < options.partitions(); p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var e : admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitTopics(Admin admin, Set<String> names, JavaProcess owner) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new IllegalStateException(owner.name() + " exited before creating the topics");
            }
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(names)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("topics " + names + " not created within 120 s");
    }

    private static void awaitHttp(String url, JavaProcess owner) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!owner.isAlive()) {
                throw new IllegalStateException(owner.name() + " exited before serving");
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(url + " not answering 200 within 120 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private synchronized void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
    }

    private static void say(String line) {
        System.out.println("[bench " + DateTimeFormatter.ISO_LOCAL_TIME.format(java.time.LocalTime.now(
                ZoneOffset.UTC)).substring(0, 8) + "] " + line);
    }
}
