package dev.metricsstream.testkit.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of simulated kubelets for tests, the standalone mode and benchmarks. Each node listens on its own loopback
 * port and serves the kubelet's real wire formats: {@code /metrics/resource} (Prometheus text with millisecond
 * timestamps), {@code /stats/summary} (Summary API JSON), {@code /pods} (core/v1 PodList) and {@code /healthz}.
 *
 * <pre>{@code
 * SimClock clock = SimClock.fixed();
 * try (KubeletSimulator sim = KubeletSimulator.builder()
 *         .nodes(3).podsPerNode(20).seed(42).clock(clock).token("t").build().start()) {
 *     SimNode node = sim.nodes().get(0);
 *     HttpClient client = HttpClient.newBuilder().sslContext(sim.clientSslContext()).build();
 *     // GET node.uri("/metrics/resource") with "Authorization: Bearer t"
 *     clock.advance(Duration.ofSeconds(15));
 *     SimContainer c = node.pods().get(0).containers().get(0);
 *     long truth = c.trueCpuNanocores(); // what Δcumulative/Δt between two scrapes gives back
 * }
 * }</pre>
 *
 * <p><b>Time model.</b> All values are functions of the (injectable) clock: a container's cumulative CPU at time t is
 * its rate × (t − start), piecewise when the rate changes; its working set varies deterministically (by seed) around
 * the level set. Like cAdvisor, each series is sampled every {@link Builder#samplePeriod(Duration) sample period}
 * (default 10 s) at a phase of its own, and a response carries the latest sample and its timestamp, so two scrapes 15
 * s apart return exactly the rate set in between. {@code /stats/summary} writes times with whole seconds (as the
 * kubelet's {@code metav1.Time} does); use {@link Builder#wholeSecondSamples(boolean)} if rates computed from the
 * summary must be exact too.
 */
public final class KubeletSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletSimulator.class);

    private final InstantSource clock;
    private final long seed;
    private final String token;
    private final ResourceMetricsFormat format;
    private final long samplePeriodMillis;
    private final boolean wholeSecondSamples;
    private final double memoryJitter;
    private final InetAddress bindAddress;
    private final int basePort;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final TlsMaterial tls;
    private ExecutorService executor;
    private volatile boolean started;
    private volatile boolean closed;

    private KubeletSimulator(Builder b) {
        this.clock = b.clock;
        this.seed = b.seed;
        this.token = b.token;
        this.format = b.format;
        this.samplePeriodMillis = b.samplePeriod.toMillis();
        this.wholeSecondSamples = b.wholeSecondSamples;
        this.memoryJitter = b.memoryJitter;
        this.bindAddress = b.bindAddress;
        this.basePort = b.basePort;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < b.nodes; i++) {
            names.add(b.nodeNamePrefix + (i + 1));
        }
        List<String> certificateNames = new ArrayList<>(names);
        certificateNames.addAll(b.certificateNames);
        this.tls = b.tls ? TlsMaterial.generate(certificateNames) : null;
        long now = clock.instant().toEpochMilli();
        SplittableRandom random = new SplittableRandom(Mix.of(seed, "nodes"));
        for (int i = 0; i < names.size(); i++) {
            long boot = now - 86_400_000L - (long) (random.nextDouble() * 2 * 86_400_000L);
            long cores = 4L << random.nextInt(3);
            SimNode node = new SimNode(this, names.get(i), i, boot,
                    80_000_000L + (long) (random.nextDouble() * 170_000_000L),
                    400 * 1024L * 1024L + 4096L * random.nextInt(128 * 1024),
                    cores, cores * 4L * 1024 * 1024 * 1024 - 14L * 1024 * 1024);
            nodes.put(node.name(), node);
        }
        Fleet.populate(seed, List.copyOf(nodes.values()), b.podsPerNode, now);
    }

    /** Starts a builder with the defaults: 1 node, 10 pods per node, seed 1, system clock, TLS, no token. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds every node's port and starts answering. Returns this. */
    public synchronized KubeletSimulator start() {
        if (closed) {
            throw new IllegalStateException("the simulator is closed");
        }
        if (started) {
            return this;
        }
        executor = Executors.newCachedThreadPool(new DaemonThreads());
        for (SimNode node : nodes.values()) {
            int port = basePort == 0 ? 0 : basePort + node.index();
            NodeServer server = new NodeServer(node, this, bindAddress, port, tls, executor);
            node.attach(server);
            if (node.mode() != NodeMode.DOWN) {
                server.listen();
            }
        }
        started = true;
        LOG.atInfo().addKeyValue("nodes", nodes.size()).addKeyValue("tls", tls != null)
                .addKeyValue("first", nodes.isEmpty() ? "-" : nodes.values().iterator().next().baseUrl())
                .log("kubelet simulator started");
        return this;
    }

    /** The nodes, in creation order ({@code <prefix>1 .. <prefix>N}). */
    public List<SimNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node called {@code name}. */
    public SimNode node(String name) {
        SimNode node = nodes.get(name);
        if (node == null) {
            throw new NoSuchElementException("no simulated node " + name + " (have " + nodes.keySet() + ")");
        }
        return node;
    }

    /** Shortcut: the true CPU rate (nanocores) of one container; see {@link SimContainer#trueCpuNanocores()}. */
    public long trueCpuNanocores(String node, String namespace, String pod, String container) {
        return node(node).pod(namespace, pod).container(container).trueCpuNanocores();
    }

    /** Truth for every running container of every running pod on every node. */
    public List<ContainerTruth> truth() {
        List<ContainerTruth> all = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            all.addAll(node.truth());
        }
        return all;
    }

    /** Truth for every node. */
    public List<NodeTruth> nodeTruth() {
        List<NodeTruth> all = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            all.add(node.nodeTruth());
        }
        return all;
    }

    /**
     * The true network throughput of every node and of every running pod, as its {@code /stats/summary} counters
     * encode it (see {@link NetworkTruth}); nodes first, then their pods.
     */
    public List<NetworkTruth> networkTruth() {
        List<NetworkTruth> all = new ArrayList<>();
        for (SimNode node : nodes.values()) {
            long nodeHash = Mix.of(seed, node.name());
            all.add(new NetworkTruth(node.name(), null, null, NetworkTraffic.receiveBytesPerSecond(nodeHash),
                    NetworkTraffic.transmitBytesPerSecond(nodeHash)));
            for (SimPod pod : node.pods()) {
                if (pod.phase() == PodPhase.RUNNING) {
                    long hash = Mix.of(seed, pod.uid());
                    all.add(new NetworkTruth(node.name(), pod.namespace(), pod.name(),
                            NetworkTraffic.receiveBytesPerSecond(hash), NetworkTraffic.transmitBytesPerSecond(hash)));
                }
            }
        }
        return all;
    }

    /** The clock every value is computed from. */
    public InstantSource clock() {
        return clock;
    }

    /** The bearer token required by every endpoint, or null when none is. */
    public String token() {
        return token;
    }

    /** True when the nodes serve HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    /** The CA that signed the kubelets' serving certificate, PEM-encoded. */
    public String caCertificatePem() {
        return requireTls().caCertificatePem();
    }

    /** The CA certificate. */
    public X509Certificate caCertificate() {
        return requireTls().caCertificate();
    }

    /** The serving certificate all nodes present (names 127.0.0.1, ::1, localhost and every node name). */
    public X509Certificate servingCertificate() {
        return requireTls().servingCertificate();
    }

    /** An in-memory PKCS12 trust store holding the CA. */
    public KeyStore trustStore() {
        return requireTls().trustStore();
    }

    /** A client SSLContext trusting exactly the simulator's CA (for {@code HttpClient.newBuilder().sslContext}). */
    public SSLContext clientSslContext() {
        return requireTls().clientContext();
    }

    /** Writes the CA certificate as PEM to {@code file} (e.g. for a collector's CA-file setting); returns it. */
    public Path writeCaCertificatePem(Path file) {
        try {
            Files.writeString(file, caCertificatePem(), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every listener and releases hung requests. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SimNode node : nodes.values()) {
            node.wakeUp();
            if (started) {
                node.server().stopListening();
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    // ----- package-private -----

    long seed() {
        return seed;
    }

    ResourceMetricsFormat format() {
        return format;
    }

    long samplePeriodMillis() {
        return samplePeriodMillis;
    }

    double memoryJitter() {
        return memoryJitter;
    }

    boolean isClosed() {
        return closed;
    }

    SampleGrid grid(String key) {
        return SampleGrid.of(samplePeriodMillis, wholeSecondSamples, Mix.of(seed, key));
    }

    private TlsMaterial requireTls() {
        if (tls == null) {
            throw new IllegalStateException("the simulator serves plain HTTP (built with tls(false))");
        }
        return tls;
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "kubelet-sim-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Configuration of a {@link KubeletSimulator}; every setting has a default. */
    public static final class Builder {
        private int nodes = 1;
        private int podsPerNode = 10;
        private long seed = 1;
        private InstantSource clock = InstantSource.system();
        private boolean tls = true;
        private String token;
        private ResourceMetricsFormat format = ResourceMetricsFormat.STABLE;
        private Duration samplePeriod = Duration.ofSeconds(10);
        private boolean wholeSecondSamples;
        private double memoryJitter = 0.05;
        private String nodeNamePrefix = "sim-worker-";
        private InetAddress bindAddress;
        private int basePort;
        private final List<String> certificateNames = new ArrayList<>();

        private Builder() {
            try {
                bindAddress = InetAddress.getByName("127.0.0.1");
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Number of nodes (default 1), named {@code <prefix>1 .. <prefix>N}. */
        public Builder nodes(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("nodes must be >= 0: " + count);
            }
            this.nodes = count;
            return this;
        }

        /** Pods per node (default 10), the two DaemonSet pods ({@code kube-proxy}, {@code kindnet}) included. */
        public Builder podsPerNode(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("podsPerNode must be >= 0: " + count);
            }
            this.podsPerNode = count;
            return this;
        }

        /** Seed of every name, uid, rate and jitter (default 1): the same seed gives the same fleet. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** The clock (default the system clock); pass a {@link SimClock} to move time in tests. */
        public Builder clock(InstantSource source) {
            this.clock = Objects.requireNonNull(source, "clock");
            return this;
        }

        /** HTTPS with a generated CA (default true) or plain HTTP. */
        public Builder tls(boolean enabled) {
            this.tls = enabled;
            return this;
        }

        /** Bearer token every request must carry (default none: no check). */
        public Builder token(String bearerToken) {
            this.token = bearerToken;
            return this;
        }

        /** {@code /metrics/resource} format of every node (default {@link ResourceMetricsFormat#STABLE}). */
        public Builder format(ResourceMetricsFormat metricsFormat) {
            this.format = Objects.requireNonNull(metricsFormat, "format");
            return this;
        }

        /**
         * cAdvisor housekeeping period (default 10 s): each series is sampled on its own grid with this period.
         * {@link Duration#ZERO} samples at the request instant.
         */
        public Builder samplePeriod(Duration period) {
            if (period.isNegative()) {
                throw new IllegalArgumentException("samplePeriod must not be negative: " + period);
            }
            this.samplePeriod = period;
            return this;
        }

        /**
         * Sample times on whole seconds (default false: millisecond phases, as in the captures). With whole seconds,
         * rates from {@code /stats/summary} (second-precision times) are exact too.
         */
        public Builder wholeSecondSamples(boolean enabled) {
            this.wholeSecondSamples = enabled;
            return this;
        }

        /** Relative amplitude of the working-set variation around its level (default 0.05; 0 = constant). */
        public Builder memoryJitter(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("memoryJitter must be within [0, 1): " + fraction);
            }
            this.memoryJitter = fraction;
            return this;
        }

        /** Node name prefix (default {@code "sim-worker-"}). */
        public Builder nodeNamePrefix(String prefix) {
            this.nodeNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Address to listen on (default 127.0.0.1; with 0.0.0.0 the base URLs still name 127.0.0.1). */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Fixed ports: node i (0-based) listens on {@code basePort + i} (default 0: each node gets a free port).
         * For docker-compose and demos; tests should keep free ports.
         */
        public Builder basePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("basePort must be within 0..65535: " + port);
            }
            this.basePort = port;
            return this;
        }

        /** Extra DNS names for the serving certificate (e.g. a docker-compose service name). */
        public Builder certificateNames(String... dnsNames) {
            this.certificateNames.addAll(List.of(dnsNames));
            return this;
        }

        /** Creates the fleet (state only; call {@link KubeletSimulator#start()} to listen). */
        public KubeletSimulator build() {
            return new KubeletSimulator(this);
        }
    }
}
