package dev.metricsstream.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.metricsstream.avro.ContainerUsage;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.avro.UsageSample;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ProcStats;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The gateway alone, fed by {@code node-usage} records produced here as the aggregator publishes them (one per node
 * per resolution, every pod of the node in it). Measures (1) restart: gateway process start to {@code /readyz} 200
 * with the whole fleet on the topic (and how many pods it then serves), several times; (2) steady state: the
 * gateway's CPU and peak RSS while the fleet is updated every resolution and queried (HPA-shaped selector queries
 * and all-pods lists), with query latency percentiles. Optional JFR recording of the steady state.
 *
 * <pre>
 * java -cp "$CP" dev.metricsstream.bench.fleet.GatewayBenchMain --nodes 1000 --pods-per-node 30 --resolution 15s \
 *     --history 4 --restarts 3 --warmup 30s --duration 120s --query-rate 2 --top-interval 15s [--jfr] \
 *     [--gateway-heap 256m] [--gateway-jvm "-XX:+UseSerialGC ..."] [--self-signed]
 * </pre>
 */
public final class GatewayBenchMain {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, String> args;
    private final int nodes;
    private final int podsPerNode;
    private final Duration resolution;
    private final Path runDir;
    private final List<JavaProcess> processes = new ArrayList<>();

    private GatewayBenchMain(Map<String, String> args) throws Exception {
        this.args = args;
        this.nodes = Integer.parseInt(args.getOrDefault("nodes", "1000"));
        this.podsPerNode = Integer.parseInt(args.getOrDefault("pods-per-node", "30"));
        this.resolution = Duration.ofSeconds(Long.parseLong(args.getOrDefault("resolution", "15s").replace("s", "")));
        this.runDir = Files.createTempDirectory("gateway-bench");
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String key = argv[i].substring(2);
            if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                args.put(key, argv[++i]);
            } else {
                args.put(key, "true");
            }
        }
        GatewayBenchMain bench = new GatewayBenchMain(args);
        try {
            bench.run();
        } finally {
            bench.processes.forEach(JavaProcess::close);
        }
    }

    private static void say(String line) {
        System.out.println("[gateway-bench] " + line);
    }

    private void run() throws Exception {
        say("run directory " + runDir);
        BrokerMain.Started broker = BrokerMain.startProcess(runDir, "512m", line -> { });
        processes.add(broker.process());
        String bootstrap = broker.bootstrap();
        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> create = new ArrayList<>();
            for (Topic<?, ?> topic : List.of(topics.nodeUsage(), topics.nodeMetricsWindows(), topics.podMetricsWindows())) {
                create.add(new NewTopic(topic.name(), 6, (short) 1).configs(topic.configs()));
            }
            admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
        }
        Fleet fleet = new Fleet(nodes, podsPerNode, 100);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("scenario", "gateway-alone");
        result.put("nodes", nodes);
        result.put("pods", nodes * podsPerNode);
        result.put("resolution", resolution.toString());
        result.put("machineAtStart", Machine.describe());
        int history = Integer.parseInt(args.getOrDefault("history", "4"));
        try (KafkaProducer<String, NodeUsage> producer = producer(bootstrap, topics)) {
            long now = System.currentTimeMillis();
            for (int round = history; round >= 1; round--) {
                for (int n = 0; n < nodes; n++) {
                    producer.send(new ProducerRecord<>(topics.nodeUsage().name(), Fleet.nodeName(n),
                            fleet.usage(n, now - round * resolution.toMillis() + n * resolution.toMillis() / nodes,
                                    resolution.toMillis())));
                }
            }
            producer.flush();

            say(String.format(Locale.ROOT, "%,d node-usage records (%d per node) on the topic", (long) history * nodes,
                    history));
            int httpPort = freePort();
            Map<String, String> env = new LinkedHashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("LOG_FORMAT", "text");
            env.put("HTTP_PORT", Integer.toString(httpPort));
            env.put("HTTPS_PORT", Integer.toString(freePort()));
            env.put("BIND_ADDRESS", "127.0.0.1");
            env.put("AUTH_MODE", "off");
            if (!args.containsKey("self-signed")) {
                // as deployed: a mounted certificate, not a key pair generated at every start
                Path certs = runDir.resolve("certs");
                dev.metricsstream.gateway.tls.TlsMaterial.selfSigned("metrics-stream-gateway", "bench").writeTo(certs);
                env.put("TLS_CERT_DIR", certs.toString());
            }
            result.put("tls", args.containsKey("self-signed") ? "self-signed at start" : "TLS_CERT_DIR");
            String baseUrl = "http://127.0.0.1:" + httpPort;
            String heap = args.getOrDefault("gateway-heap", "256m");
            result.put("gatewayHeap", heap);
        result.put("gatewayJvmOptions", args.getOrDefault("gateway-jvm", "-XX:+UseG1GC"));
            List<Map<String, Object>> restarts = new ArrayList<>();
            int restartCount = Integer.parseInt(args.getOrDefault("restarts", "3"));
            JavaProcess gateway = null;
            for (int i = 0; i < restartCount; i++) {
                if (gateway != null) {
                    gateway.close();
                    processes.remove(gateway);
                    // a fresh round, as the aggregator would have written meanwhile: the data must not be stale
                    long fresh = System.currentTimeMillis();
                    for (int n = 0; n < nodes; n++) {
                        producer.send(new ProducerRecord<>(topics.nodeUsage().name(), Fleet.nodeName(n),
                                fleet.usage(n, fresh, resolution.toMillis())));
                    }
                    producer.flush();
                }
                List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap, "-Xms32m", "-XX:+ExitOnOutOfMemoryError"));
                jvm.addAll(List.of(args.getOrDefault("gateway-jvm", "-XX:+UseG1GC").split(" ")));
                if (i == restartCount - 1 && args.containsKey("jfr")) {
                    jvm.add("-XX:StartFlightRecording=filename=" + runDir.resolve("gateway.jfr") + ",settings=profile");
                }
                gateway = JavaProcess.start("gateway", "dev.metricsstream.gateway.GatewayMain", jvm, env,
                        runDir.resolve("gateway-" + i + ".log"), null);
                processes.add(gateway);
                Map<String, Object> figures = awaitReady(baseUrl, gateway);
                figures.put("recordsOnTopic", (long) (history + i) * nodes);
                restarts.add(figures);
                say("restart " + i + ": " + restarts.get(restarts.size() - 1));
            }
            result.put("restartToReady", restarts);
            result.put("steadyState", steady(fleet, producer, topics, baseUrl, gateway));
        }
        result.put("loadAverageAtEnd", Machine.loadAverage());
        Path out = Path.of(args.getOrDefault("out", "bench/results"))
                .resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                        .format(Instant.now()) + "-gateway-" + nodes + "n.json");
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), result);
        say("wrote " + out);
        System.out.println(JSON.writeValueAsString(result));
    }

    private Map<String, Object> awaitReady(String baseUrl, JavaProcess gateway) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = gateway.startNanos() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException("gateway exited; see " + runDir);
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    long millis = JavaProcess.since(gateway.startNanos()).toMillis();
                    HttpResponse<byte[]> pods = http.send(HttpRequest.newBuilder(URI.create(baseUrl
                            + "/apis/metrics.k8s.io/v1beta1/pods")).build(), HttpResponse.BodyHandlers.ofByteArray());
                    int served = count(pods.body());
                    Map<String, Object> figures = new LinkedHashMap<>();
                    figures.put("processStartToReadyMillis", millis);
                    figures.put("podsServedWhenReady", served);
                    figures.put("rssBytesWhenReady", gateway.sample().rssBytes());
                    figures.put("loadAverage", Machine.loadAverage());
                    return figures;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("gateway not ready within 120 s; see " + runDir);
    }

    /** Occurrences of the pod list's per-item marker {@code "containers":}. */
    private static int count(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int count = 0;
        for (int i = text.indexOf("\"containers\":"); i >= 0; i = text.indexOf("\"containers\":", i + 1)) {
            count++;
        }
        return count;
    }

    private Map<String, Object> steady(Fleet fleet, KafkaProducer<String, NodeUsage> producer, Topics topics,
            String baseUrl, JavaProcess gateway) throws Exception {
        Duration warmup = Duration.ofSeconds(Long.parseLong(args.getOrDefault("warmup", "30s").replace("s", "")));
        Duration duration = Duration.ofSeconds(Long.parseLong(args.getOrDefault("duration", "120s").replace("s", "")));
        double queryRate = Double.parseDouble(args.getOrDefault("query-rate", "2"));
        Duration topInterval = Duration.ofSeconds(Long.parseLong(args.getOrDefault("top-interval", "15s").replace("s", "")));
        LatencyRecorder hpa = new LatencyRecorder();
        LatencyRecorder topPods = new LatencyRecorder();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        SplittableRandom random = new SplittableRandom(7);
        long start = System.nanoTime();
        long warmupEnd = start + warmup.toNanos();
        long end = warmupEnd + duration.toNanos();
        long periodNanos = resolution.toNanos() / nodes;
        long nextSend = start;
        long nextHpa = start;
        long nextTop = start + TimeUnit.SECONDS.toNanos(1);
        int node = 0;
        boolean measuring = false;
        ProcStats before = null;
        String loadAtStart = null;
        long sent = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (!measuring && now >= warmupEnd) {
                measuring = true;
                hpa.measuring(true);
                topPods.measuring(true);
                before = gateway.sample();
                loadAtStart = Machine.loadAverage();
            }
            while (nextSend <= now) {
                producer.send(new ProducerRecord<>(topics.nodeUsage().name(), Fleet.nodeName(node),
                        fleet.usage(node, System.currentTimeMillis(), resolution.toMillis())));
                node = (node + 1) % nodes;
                nextSend += periodNanos;
                sent++;
            }
            if (queryRate > 0 && nextHpa <= now) {
                int deployment = random.nextInt(fleet.deployments());
                String selector = URLEncoder.encode("app=" + Fleet.app(deployment) + ",pod-template-hash="
                        + Fleet.hash(deployment), StandardCharsets.UTF_8);
                timed(http, hpa, baseUrl + "/apis/metrics.k8s.io/v1beta1/namespaces/" + fleet.namespace(deployment)
                        + "/pods?labelSelector=" + selector);
                nextHpa += (long) (1e9 / queryRate);
            }
            if (nextTop <= now) {
                timed(http, topPods, baseUrl + "/apis/metrics.k8s.io/v1beta1/pods");
                nextTop += topInterval.toNanos();
            }
            Thread.sleep(Math.max(0, Math.min(nextSend, Math.min(nextHpa, nextTop)) - System.nanoTime()) / 1_000_000);
        }
        producer.flush();
        ProcStats after = gateway.sample();
        double seconds = (after.cpuNanos() - before.cpuNanos()) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("measuredSeconds", duration.toSeconds());
        figures.put("nodeUsageRecordsPerSecond", (double) nodes / resolution.toSeconds());
        figures.put("gatewayCpuCores", seconds / duration.toSeconds());
        figures.put("gatewayPeakRssBytes", after.peakRssBytes());
        figures.put("gatewayRssBytesAtEnd", after.rssBytes());
        figures.put("hpaQueriesPerSecond", queryRate);
        figures.put("hpa", hpa.summary());
        figures.put("topPodsIntervalSeconds", topInterval.toSeconds());
        figures.put("topPods", topPods.summary());
        figures.put("loadAverageAtStart", loadAtStart);
        figures.put("loadAverageAtEnd", Machine.loadAverage());
        figures.put("recordsSent", sent);
        return figures;
    }

    private static void timed(HttpClient http, LatencyRecorder recorder, String url) {
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                recorder.record((System.nanoTime() - start) / 1000);
            } else {
                recorder.error();
            }
        } catch (java.io.IOException e) {
            recorder.error();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static KafkaProducer<String, NodeUsage> producer(String bootstrap, Topics topics) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        return new KafkaProducer<>(config, topics.nodeUsage().keySerde().serializer(),
                topics.nodeUsage().valueSerde().serializer());
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Pods like a real fleet's, as {@code StoredPods} in the JMH benchmarks lays them out: deployments of 20 replicas
     * in {@code namespaces} namespaces, 6 labels, a third with a sidecar; pod {@code i} runs on node
     * {@code i / podsPerNode}.
     */
    static final class Fleet {
        private static final String[] TIERS = {"frontend", "backend", "cache", "worker", "batch"};
        private final int nodes;
        private final int podsPerNode;
        private final int namespaces;
        private final SplittableRandom random = new SplittableRandom(11);

        Fleet(int nodes, int podsPerNode, int namespaces) {
            this.nodes = nodes;
            this.podsPerNode = podsPerNode;
            this.namespaces = namespaces;
        }

        static String nodeName(int index) {
            return String.format(Locale.ROOT, "node-%05d", index);
        }

        static String app(int deployment) {
            return String.format(Locale.ROOT, "svc-%05d", deployment);
        }

        static String hash(int deployment) {
            return Integer.toHexString(0x5f000000 + deployment * 7919);
        }

        int deployments() {
            return nodes * podsPerNode / 20;
        }

        String namespace(int deployment) {
            return String.format(Locale.ROOT, "team-%03d", deployment % namespaces);
        }

        NodeUsage usage(int node, long nowMillis, long resolutionMillis) {
            List<PodUsage> pods = new ArrayList<>(podsPerNode);
            for (int p = 0; p < podsPerNode; p++) {
                int i = node * podsPerNode + p;
                int deployment = i / 20;
                String app = app(deployment);
                List<ContainerUsage> containers = new ArrayList<>(2);
                containers.add(new ContainerUsage(app, random.nextLong(1_000_000, 900_000_000),
                        random.nextLong(20L << 20, 2L << 30)));
                if (i % 3 == 0) {
                    containers.add(new ContainerUsage("istio-proxy", random.nextLong(1_000_000, 50_000_000),
                            random.nextLong(30L << 20, 90L << 20)));
                }
                pods.add(PodUsage.newBuilder().setNamespace(namespace(deployment))
                        .setName(app + "-" + hash(deployment) + "-" + Integer.toString(i, 36))
                        .setLabels(Map.of("app", app, "pod-template-hash", hash(deployment),
                                "app.kubernetes.io/name", app, "app.kubernetes.io/part-of", "shop",
                                "tier", TIERS[deployment % TIERS.length], "version", "v" + (deployment % 4)))
                        .setTimestampMillis(nowMillis - 1_000).setWindowNanos(resolutionMillis * 1_000_000L)
                        .setContainers(containers).build());
            }
            pods.sort((a, b) -> a.getNamespace().equals(b.getNamespace()) ? a.getName().compareTo(b.getName())
                    : a.getNamespace().compareTo(b.getNamespace()));
            return NodeUsage.newBuilder().setNodeName(nodeName(node))
                    .setLabels(Map.of("kubernetes.io/hostname", nodeName(node), "topology.kubernetes.io/zone",
                            "zone-" + (node % 3)))
                    .setScrapeResolutionMillis(resolutionMillis)
                    .setNode(new UsageSample(nowMillis, resolutionMillis * 1_000_000L,
                            random.nextLong(100_000_000, 4_000_000_000L), random.nextLong(1L << 30, 16L << 30)))
                    .setCapacityCpuMillicores(8000L).setCapacityMemoryBytes(32L << 30)
                    .setAllocatableCpuMillicores(7800L).setAllocatableMemoryBytes(30L << 30)
                    .setPods(pods).build();
        }
    }
}
