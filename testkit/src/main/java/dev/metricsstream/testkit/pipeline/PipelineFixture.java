package dev.metricsstream.testkit.pipeline;

import dev.metricsstream.common.config.Durations;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The settings of the services of one pipeline under test: one broker, one set of topics, one scratch folder. Each
 * service's settings are handed out as the map its {@code XxxConfig.from(Map)} reads (the test kit cannot see the
 * services), built here once, so a test names only what it varies, through the typed methods of
 * {@link CollectorSettings}, {@link AggregatorSettings} and {@link GatewaySettings}.
 *
 * <pre>{@code
 * PipelineFixture pipeline = PipelineFixture.of(broker, broker.createUniqueTopics(3), dir);
 * CollectorConfig collector = CollectorConfig.from(pipeline.collector(sim).kubeletSource("both").env());
 * AggregatorConfig aggregator = AggregatorConfig.from(pipeline.aggregator().env());
 * GatewayConfig gateway = GatewayConfig.from(pipeline.gateway().env());
 * }</pre>
 *
 * <p>What every service gets: the broker and the topic prefix; no ops port ({@code OPS_PORT=-1}). The collector
 * scrapes the simulator over HTTPS trusting its CA, with its bearer token, and reads pod metadata from the kubelet.
 * The aggregator and the gateway keep their state under the scratch folder; the aggregator takes nothing as stale for
 * 10 minutes (simulated time may run ahead of the wall clock; tests give the gateway the simulated clock instead).
 * The gateway serves HTTPS on a free loopback port with authentication off.
 */
public final class PipelineFixture {
    /** How long the aggregator keeps a value: longer than any simulated run gets ahead of the wall clock. */
    public static final Duration STALENESS_BOUND = Duration.ofMinutes(10);

    private final Map<String, String> kafka;
    private final Topics topics;
    private final Path dir;
    private final String id;
    private final Map<KubeletSimulator, Map<String, String>> kubeletAccess = new IdentityHashMap<>();

    private PipelineFixture(String bootstrapServers, Topics topics, Path dir) {
        this.kafka = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers, "TOPIC_PREFIX", topics.prefix());
        this.topics = topics;
        this.dir = dir;
        this.id = topics.prefix().replace(".", "");
    }

    /** The services of a pipeline on {@code broker} and {@code topics}, their files under {@code dir}. */
    public static PipelineFixture of(KafkaBroker broker, Topics topics, Path dir) {
        return of(broker.bootstrapServers(), topics, dir);
    }

    /** The same on any broker (e.g. the standalone's embedded one). */
    public static PipelineFixture of(String bootstrapServers, Topics topics, Path dir) {
        return new PipelineFixture(bootstrapServers, topics, dir);
    }

    public Topics topics() {
        return topics;
    }

    public Path dir() {
        return dir;
    }

    /** A collector scraping every node of {@code sim} (whose CA and token files are written into the folder once). */
    public CollectorSettings collector(KubeletSimulator sim) {
        Map<String, String> env = new HashMap<>(kafka);
        env.putAll(kubeletAccess.computeIfAbsent(sim, this::writeAccessFiles));
        env.put("METADATA_SOURCE", "kubelet");
        env.put("OPS_PORT", "-1");
        env.put("SHUTDOWN_TIMEOUT", "10s");
        return new CollectorSettings(env).nodes(sim.nodes());
    }

    /** An aggregator with its own application id, replication factor 1 (one broker). */
    public AggregatorSettings aggregator() {
        Map<String, String> env = new HashMap<>(kafka);
        env.put("APPLICATION_ID", "aggregator-" + id);
        env.put("STATE_DIR", dir.resolve("aggregator-state").toString());
        env.put("OPS_PORT", "-1");
        env.put("STALENESS_BOUND", Durations.format(STALENESS_BOUND));
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        return new AggregatorSettings(env);
    }

    /** A gateway on 127.0.0.1: HTTPS on a free port (no plain HTTP), a self-signed certificate, authentication off. */
    public GatewaySettings gateway() {
        Map<String, String> env = new HashMap<>(kafka);
        env.put("APPLICATION_ID", "gateway-" + id);
        env.put("STATE_DIR", dir.resolve("gateway-state").toString());
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("HTTPS_PORT", "0");
        env.put("AUTH_MODE", "off");
        return new GatewaySettings(env);
    }

    private Map<String, String> writeAccessFiles(KubeletSimulator sim) {
        String suffix = kubeletAccess.isEmpty() ? "" : "-" + (kubeletAccess.size() + 1);
        Map<String, String> env = new HashMap<>();
        if (sim.tls()) {
            env.put("KUBELET_CA_FILE", sim.writeCaCertificatePem(dir.resolve("kubelet-ca" + suffix + ".crt"))
                    .toString());
        }
        if (sim.token() != null) {
            try {
                env.put("TOKEN_FILE", Files.writeString(dir.resolve("token" + suffix), sim.token(),
                        StandardCharsets.US_ASCII).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return env;
    }

    /** One service's settings; {@link #env()} hands out a copy (what {@code XxxConfig.from} reads) to change freely. */
    public abstract static class Settings<S extends Settings<S>> {
        private final Map<String, String> env;

        private Settings(Map<String, String> env) {
            this.env = env;
        }

        /** Sets one variable; the typed methods of each service say what tests vary. */
        final S put(String key, String value) {
            env.put(key, value);
            return self();
        }

        abstract S self();

        /** What the service's {@code XxxConfig.from(Map)} reads, as a new map the caller may change. */
        public final Map<String, String> env() {
            return new HashMap<>(env);
        }
    }

    /** Settings of one collector. */
    public static final class CollectorSettings extends Settings<CollectorSettings> {
        private CollectorSettings(Map<String, String> env) {
            super(env);
        }

        /** Scrapes exactly these nodes ({@code KUBELET_TARGETS}). */
        public CollectorSettings nodes(List<SimNode> nodes) {
            return put("KUBELET_TARGETS", nodes.stream().map(n -> n.name() + "=" + n.baseUrl())
                    .collect(Collectors.joining(",")));
        }

        /** Scrapes exactly this node. */
        public CollectorSettings node(SimNode node) {
            return nodes(List.of(node));
        }

        /** {@code KUBELET_SOURCE}: {@code metrics-resource} (the default), {@code stats-summary} or {@code both}. */
        public CollectorSettings kubeletSource(String source) {
            return put("KUBELET_SOURCE", source);
        }

        @Override
        CollectorSettings self() {
            return this;
        }
    }

    /** Settings of one aggregator. */
    public static final class AggregatorSettings extends Settings<AggregatorSettings> {
        private AggregatorSettings(Map<String, String> env) {
            super(env);
        }

        /** {@code COMMIT_INTERVAL}: how soon a result is committed, so read_committed readers see it. */
        public AggregatorSettings commitInterval(Duration interval) {
            return put("COMMIT_INTERVAL", Durations.format(interval));
        }

        @Override
        AggregatorSettings self() {
            return this;
        }
    }

    /** Settings of one gateway. */
    public static final class GatewaySettings extends Settings<GatewaySettings> {
        private GatewaySettings(Map<String, String> env) {
            super(env);
        }

        /** {@code TLS_CERT_DIR}: serve this certificate instead of a self-signed one made at start. */
        public GatewaySettings tlsCertDir(Path certs) {
            return put("TLS_CERT_DIR", certs.toString());
        }

        @Override
        GatewaySettings self() {
            return this;
        }
    }
}
