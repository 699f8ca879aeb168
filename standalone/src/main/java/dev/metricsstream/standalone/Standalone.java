package dev.metricsstream.standalone;

import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.http.CoreApiSlice;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline in one process: embedded broker (or an existing Kafka), kubelet simulator (or real kubelets),
 * one collector for every kubelet, the aggregator and the gateway. {@link #start} prints progress, waits for the
 * first rates (bounded) and prints the banner; {@link #close} stops everything in reverse order.
 *
 * <p>One {@link CollectorApp} with {@code KUBELET_TARGETS} listing every kubelet rather than one app per node: the
 * collector already scrapes each target on its own worker with its own per-node publish queue (a slow or failing node
 * does not hold back the others), so N apps would only add N Kafka producers and N scrape loops to one JVM.
 */
public final class Standalone implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);
    static final long SEED = 7;
    static final String APPLICATION_PREFIX = "metrics-stream-standalone";

    private final StandaloneOptions options;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final Deque<Stoppable> started = new ArrayDeque<>();
    private FileLock lock;
    private EmbeddedKafka kafka;
    private String bootstrapServers;
    private KubeletSimulator simulator;
    private CollectorApp collector;
    private AggregatorApp aggregator;
    private GatewayApp gateway;
    private Path kubeconfig;
    private String kubeletProblem;
    private volatile boolean closed;

    private record Stoppable(String name, AutoCloseable resource) {
    }

    private Standalone(StandaloneOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Starts everything; on any failure what was started is stopped again and the exception thrown.
     *
     * @param firstRatesTimeout how long to wait for the first rates before printing the banner anyway
     */
    public static Standalone start(StandaloneOptions options, PrintStream out, Duration firstRatesTimeout)
            throws Exception {
        return start(options, out, firstRatesTimeout, s -> { });
    }

    /**
     * As {@link #start(StandaloneOptions, PrintStream, Duration)}, handing the instance to {@code created} before
     * anything starts, so a shutdown hook can stop a run that is still starting ({@link #close} stops what is up and
     * makes the rest of the start fail).
     */
    public static Standalone start(StandaloneOptions options, PrintStream out, Duration firstRatesTimeout,
            Consumer<Standalone> created) throws Exception {
        Standalone standalone = new Standalone(options, out);
        created.accept(standalone);
        try {
            standalone.startAll(firstRatesTimeout);
            return standalone;
        } catch (Exception | Error e) {
            standalone.close();
            throw e;
        }
    }

    private void startAll(Duration firstRatesTimeout) throws Exception {
        Path work = options.workDir();
        Files.createDirectories(work);
        lockWorkDir(work);
        checkPortFree("--https-port", options.httpsPort());
        if (options.httpPort() != 0) {
            checkPortFree("--http-port", options.httpPort());
        }
        progress("work dir " + work);

        if (options.embeddedKafka()) {
            Path data = work.resolve("kafka");
            boolean reused = EmbeddedKafka.readClusterId(data) != null;
            kafka = EmbeddedKafka.start(data, freePort(), freePort(), Duration.ofSeconds(60));
            register("broker", kafka);
            bootstrapServers = kafka.bootstrapServers();
            progress("broker up at " + bootstrapServers + " (KRaft, cluster id " + kafka.clusterId() + ", "
                    + (reused ? "data reused from " : "new storage in ") + data + ")");
        } else {
            bootstrapServers = options.kafka();
            progress("using Kafka at " + bootstrapServers);
        }

        aggregator = AggregatorApp.start(AggregatorConfig.from(aggregatorEnv()), AggregatorApp.Deps.production());
        register("aggregator", aggregator);
        progress("topics ready: " + Topics.defaults().all().stream().map(t -> t.name())
                .collect(Collectors.joining(", ")));
        progress("aggregator started (Kafka Streams, state in " + work.resolve("aggregator-state") + ")");

        // no kube-apiserver here: the gateway also serves the core API slice kubectl top reads (nodes, pods)
        gateway = GatewayApp.start(GatewayConfig.from(gatewayEnv()),
                GatewayApp.Deps.production().withCoreApiNodes(this::nodeResources));
        register("gateway", gateway);
        progress("gateway serving https://127.0.0.1:" + gateway.httpsPort()
                + (gateway.httpPort() > 0 ? " and http://127.0.0.1:" + gateway.httpPort() : "")
                + " (authentication OFF)");

        Map<String, String> collectorEnv = new HashMap<>(commonKafkaEnv());
        if (options.simulated()) {
            simulator = KubeletSimulator.builder().nodes(options.nodes()).podsPerNode(options.podsPerNode())
                    .seed(SEED).token(randomToken()).build().start();
            register("kubelet simulator", simulator);
            Path ca = simulator.writeCaCertificatePem(work.resolve("kubelet-simulator-ca.crt"));
            Path token = writePrivate(work.resolve("kubelet-simulator-token"), simulator.token());
            collectorEnv.put("KUBELET_TARGETS", simulator.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                    .collect(Collectors.joining(",")));
            collectorEnv.put("KUBELET_CA_FILE", ca.toString());
            collectorEnv.put("TOKEN_FILE", token.toString());
            // the simulator serves /stats/summary too: scrape both, so the summary custom metrics (network, RSS,
            // ephemeral storage) are there to try; real kubelets keep /metrics/resource (their token may lack
            // nodes/stats)
            collectorEnv.put("KUBELET_SOURCE", "both");
            progress("kubelet simulator: " + options.nodes() + " nodes × " + options.podsPerNode() + " pods ("
                    + simulator.nodes().stream().map(SimNode::baseUrl).collect(Collectors.joining(" ")) + ")");
        } else {
            if (options.kubeletUrl() != null) {
                collectorEnv.put("KUBELET_TARGETS", options.nodeName() + "=" + options.kubeletUrl());
            } else {
                collectorEnv.put("KUBELET_TARGETS", options.kubeletTargets().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
            }
            collectorEnv.put("TOKEN_FILE", options.tokenFile().toString());
            if (options.kubeletCaFile() != null) {
                collectorEnv.put("KUBELET_CA_FILE", options.kubeletCaFile().toString());
            } else {
                collectorEnv.put("KUBELET_INSECURE_TLS", "true");
                progress("WARNING: kubelet serving certificates are NOT verified (give --kubelet-ca to verify)");
            }
        }
        collectorEnv.put("METADATA_SOURCE", "kubelet");
        collectorEnv.put("SCRAPE_RESOLUTION", resolution());
        collectorEnv.put("OPS_PORT", "-1");
        collectorEnv.put("SHUTDOWN_TIMEOUT", "6s");
        CollectorConfig collectorConfig = CollectorConfig.from(collectorEnv);
        collector = CollectorApp.start(collectorConfig, CollectorApp.Deps.production()
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.after(Duration.ZERO)));
        register("collector", collector);
        progress("collector scraping " + collectorConfig.targets().size() + " kubelet(s) every " + resolution());

        kubeconfig = Kubeconfig.write(work.resolve("kubeconfig"), gateway.httpsPort());
        awaitFirstData(firstRatesTimeout);
        out.println(banner());
        out.flush();
    }

    /** Records a started part for {@link #close}; when close already ran (Ctrl-C while starting) stops it at once. */
    private synchronized void register(String name, AutoCloseable resource) throws Exception {
        if (closed) {
            resource.close();
            throw new IllegalStateException("stopped while starting");
        }
        started.push(new Stoppable(name, resource));
    }

    private void awaitFirstData(Duration timeout) throws InterruptedException {
        long startMillis = System.currentTimeMillis();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean scrapes = false;
        while (System.nanoTime() < deadline && !closed) {
            if (!scrapes && collector.publisher().sentCount() > 0) {
                scrapes = true;
                progress("first scrapes published to Kafka");
            }
            AtomicInteger pods = new AtomicInteger();
            AtomicLong fresh = new AtomicLong();
            gateway.store().forEachPod((PodMetrics pod) -> {
                pods.incrementAndGet();
                if (pod.getTimestampMillis() > startMillis) {
                    fresh.incrementAndGet();
                }
            });
            if (fresh.get() > 0) {
                progress("first rates served: " + fresh.get() + " pods, " + gateway.store().nodeCount() + " nodes");
                return;
            }
            if (noKubeletVerified()) {
                // no rate can come: say so now, plainly, instead of a WARN per scrape and an empty list
                kubeletProblem = "NO KUBELET COULD BE VERIFIED: the serving certificate of every kubelet failed TLS "
                        + "verification against --kubelet-ca " + options.kubeletCaFile() + ". Give --kubelet-ca the "
                        + "CA that signed the kubelets' serving certificates (or leave --kubelet-ca out to skip "
                        + "verification: insecure)";
                progress(kubeletProblem);
                return;
            }
            Thread.sleep(250); // a wait for a human, not a test synchronisation
        }
        progress("no rates yet after " + timeout.toSeconds() + " s (" + (scrapes ? "scrapes are published"
                : "no scrape published yet") + "); the API answers as soon as they arrive");
    }

    /** Every kubelet has been scraped at least once, none successfully, and every failure was TLS verification. */
    private boolean noKubeletVerified() {
        CollectorMetrics metrics = collector.metrics();
        double failures = metrics.scrapeCount("failure");
        return metrics.scrapeCount("success") == 0 && failures >= collector.targets().size() && failures > 0
                && metrics.scrapeErrorCount("tls") >= failures;
    }

    /**
     * Capacity and allocatable of a simulated node, as its Node object would carry them; unknown for real kubelets
     * (their endpoints do not serve them), where {@code kubectl top node} then prints no percentages.
     */
    Optional<CoreApiSlice.NodeResources> nodeResources(String nodeName) {
        KubeletSimulator sim = simulator;
        if (sim == null) {
            return Optional.empty();
        }
        return sim.nodes().stream().filter(n -> n.name().equals(nodeName)).findFirst()
                .map(n -> new CoreApiSlice.NodeResources(millicores(n.capacity().get("cpu")),
                        bytes(n.capacity().get("memory")), millicores(n.allocatable().get("cpu")),
                        bytes(n.allocatable().get("memory"))));
    }

    /** {@code "4"} or {@code "3900m"} (the forms the simulator writes) in millicores. */
    static long millicores(String quantity) {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1))
                : Long.parseLong(quantity) * 1000;
    }

    /** {@code "16384Ki"} or plain bytes (the forms the simulator writes) in bytes. */
    static long bytes(String quantity) {
        return quantity.endsWith("Ki") ? Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024
                : Long.parseLong(quantity);
    }

    String banner() {
        int https = gateway.httpsPort();
        int http = gateway.httpPort();
        String kc = kubeconfig.toString();
        StringBuilder b = new StringBuilder();
        b.append("\n================================================================================\n");
        b.append(" metrics-stream standalone is running   (authentication OFF, loopback only)\n");
        b.append("================================================================================\n");
        b.append("  metrics API (HTTPS)   https://127.0.0.1:").append(https).append("/apis/metrics.k8s.io/v1beta1/pods\n");
        b.append("  web view              https://127.0.0.1:").append(https).append("/ui/\n");
        if (http > 0) {
            b.append("  metrics API (HTTP)    http://127.0.0.1:").append(http).append("/apis/metrics.k8s.io/v1beta1/pods\n");
            b.append("  usage for Prometheus  http://127.0.0.1:").append(http).append("/metrics/usage\n");
            b.append("  gateway health        http://127.0.0.1:").append(http).append("/readyz\n");
        }
        b.append("  Kafka                 ").append(bootstrapServers)
                .append(options.embeddedKafka() ? " (embedded)" : "").append('\n');
        b.append("  kubelets              ").append(options.simulated()
                ? options.nodes() + " simulated nodes × " + options.podsPerNode() + " pods"
                : collectorTargets()).append(", scraped every ").append(resolution()).append('\n');
        if (kubeletProblem != null) {
            b.append("  !! no kubelet could be verified: nothing will be served; fix --kubelet-ca (see above)\n");
        }
        b.append("  work dir              ").append(options.workDir()).append(" (reused by the next start)\n");
        b.append("  kubeconfig            ").append(kc).append('\n');
        b.append('\n');
        b.append("  kubectl --kubeconfig ").append(kc).append(" top pod -A\n");
        b.append("  kubectl --kubeconfig ").append(kc).append(" top pod -n <namespace> --containers\n");
        b.append("  kubectl --kubeconfig ").append(kc).append(" top node\n");
        b.append("  kubectl --kubeconfig ").append(kc).append(" get --raw /apis/metrics.k8s.io/v1beta1/nodes\n");
        b.append("  kubectl --kubeconfig ").append(kc)
                .append(" get --raw '/apis/history.metrics-stream.dev/v1alpha1/nodes/<node>?window=1m'\n");
        b.append('\n');
        b.append("  Ctrl-C stops everything.\n");
        return b.toString();
    }

    private String collectorTargets() {
        return options.kubeletUrl() != null ? options.nodeName() + "=" + options.kubeletUrl()
                : options.kubeletTargets().size() + " kubelet(s) from --kubelets";
    }

    private Map<String, String> commonKafkaEnv() {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    }

    private Map<String, String> aggregatorEnv() {
        Map<String, String> env = new HashMap<>(commonKafkaEnv());
        env.put("APPLICATION_ID", APPLICATION_PREFIX + "-aggregator");
        env.put("STATE_DIR", options.workDir().resolve("aggregator-state").toString());
        env.put("SCRAPE_RESOLUTION", resolution());
        env.put("TOPIC_PARTITIONS", "1");
        env.put("TOPIC_REPLICATION_FACTOR", options.embeddedKafka() ? "1" : "-1");
        env.put("COMMIT_INTERVAL", "5s");
        env.put("OPS_PORT", "-1");
        return env;
    }

    private Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>(commonKafkaEnv());
        env.put("APPLICATION_ID", APPLICATION_PREFIX + "-gateway");
        env.put("STATE_DIR", options.workDir().resolve("gateway-state").toString());
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("HTTPS_PORT", Integer.toString(options.httpsPort()));
        env.put("HTTP_PORT", Integer.toString(options.httpPort()));
        env.put("AUTH_MODE", "off");
        return env;
    }

    private String resolution() {
        return options.resolution().toSeconds() + "s";
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public int httpsPort() {
        return gateway.httpsPort();
    }

    public int httpPort() {
        return gateway.httpPort();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The embedded broker's cluster id, or null with {@code --kafka}. */
    public String clusterId() {
        return kafka == null ? null : kafka.clusterId();
    }

    /** The simulator, or null when real kubelets are scraped. */
    public KubeletSimulator simulator() {
        return simulator;
    }

    private void progress(String message) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "[%5.1fs] %s%n", seconds, message);
        out.flush();
    }

    private void lockWorkDir(Path work) throws IOException, UsageException {
        FileChannel channel = FileChannel.open(work.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            channel.close();
            throw new UsageException("work dir " + work + " is in use by another metrics-stream run");
        }
        lock = acquired;
    }

    private static void checkPortFree(String flag, int port) throws UsageException {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UsageException("port " + port + " (" + flag + ") is already in use; stop what uses it or "
                    + "choose another with " + flag);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Path writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; the file stays with default permissions
        }
        return Files.writeString(file, content);
    }

    /** Stops everything that was started, newest first. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            Stoppable s = started.pop();
            try {
                s.resource().close();
                progress("stopped " + s.name());
            } catch (Exception e) {
                LOG.atWarn().addKeyValue("reason", e.getClass().getSimpleName()).setCause(e)
                        .log("stopping {} failed", s.name());
            }
        }
        if (lock != null) {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException e) {
                LOG.atWarn().addKeyValue("reason", "unlock").log("work dir lock not released: {}", e.getMessage());
            }
        }
    }

}
