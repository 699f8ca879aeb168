package dev.metricsstream.gateway;

import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.gateway.auth.DelegatedAuth;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.gateway.store.Clock;
import dev.metricsstream.gateway.store.KafkaMetricsStore;
import dev.metricsstream.gateway.store.StoreMetrics;
import dev.metricsstream.gateway.store.StoreTopology;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: reads the config, wires store, clock, TLS, metrics and health, starts serving. */
public final class GatewayMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private final KafkaMetricsStore store;
    private final GatewayServer server;
    private final DelegatedAuth auth;

    private GatewayMain(KafkaMetricsStore store, GatewayServer server, DelegatedAuth auth) {
        this.store = store;
        this.server = server;
        this.auth = auth;
    }

    /** Starts everything from a config; also used in-process by the standalone runner and the tests. */
    public static GatewayMain start(GatewayConfig config) throws IOException {
        return start(config, Clock.system(), ProcessMetrics.newRegistryWithJvmMetrics());
    }

    /**
     * Starts with a given clock (request time and staleness; e.g. the simulator's clock in a simulated-time run) and
     * registry (one per process: in-process runs that host several services pass their own).
     */
    public static GatewayMain start(GatewayConfig config, Clock clock, PrometheusRegistry registry) throws IOException {
        DelegatedAuth auth = DelegatedAuth.start(config.auth(), clock); // first: a config problem stops us early
        StoreMetrics storeMetrics = new StoreMetrics(registry);
        StoreTopology.Topics topics = config.storeTopics();
        WindowHistory history = new WindowHistory(config.history());
        KafkaMetricsStore store = new KafkaMetricsStore(StoreTopology.build(topics,
                storeMetrics.withWindows(history::accept)),
                streamsProperties(config), adminConfig(config), List.of(topics.nodeMetrics(), topics.podMetrics(),
                        topics.nodeWindows(), topics.podWindows()));
        storeMetrics.registerGauges(registry, store, clock, store::globalConsumerLagRecords);
        Health health = new Health().addLiveness(store.liveness()).addReadiness(store.readiness());
        auth.readiness().ifPresent(health::addReadiness);

        TlsMaterial tls = config.tlsCertDir() != null ? TlsMaterial.fromCertDir(config.tlsCertDir())
                : TlsMaterial.selfSigned(config.serviceName(), config.podNamespace());
        GatewayServer server = GatewayServer.start(
                new GatewayApp.Serving(config.bindAddress(), config.httpsPort(),
                        config.httpPort() == 0 ? -1 : config.httpPort(), tls),
                new GatewayApp.ApiSettings(config.versionsPreferredFirst(), config.stalenessBound()),
                new GatewayApp.Collaborators(store, clock, auth.filter(), registry, health, history));
        LOG.atInfo().addKeyValue("httpsPort", server.httpsPort()).addKeyValue("httpPort", server.httpPort())
                .addKeyValue("tls", config.tlsCertDir() == null ? "self-signed" : config.tlsCertDir().toString())
                .addKeyValue("stalenessBound", config.stalenessBound().toString())
                .addKeyValue("preferredVersion", config.preferredVersion())
                .addKeyValue("authMode", config.auth().mode().name().toLowerCase(java.util.Locale.ROOT))
                .log("gateway serving");
        store.start();
        return new GatewayMain(store, server, auth);
    }

    static Properties streamsProperties(GatewayConfig config) throws IOException {
        Properties properties = new Properties();
        properties.putAll(config.kafkaClientProperties());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        properties.put(StreamsConfig.STATE_DIR_CONFIG, (config.stateDir() != null ? config.stateDir()
                : Files.createTempDirectory("metrics-stream-gateway")).toString());
        return properties;
    }

    static Map<String, Object> adminConfig(GatewayConfig config) {
        Map<String, Object> admin = new HashMap<>(config.kafkaClientProperties());
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-topic-wait");
        return admin;
    }

    public GatewayServer server() {
        return server;
    }

    public KafkaMetricsStore store() {
        return store;
    }

    @Override
    public void close() {
        server.close();
        auth.close();
        store.close();
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnv(Map.copyOf(System.getenv()));
        } catch (ConfigException e) {
            LOG.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        GatewayMain gateway;
        try {
            gateway = start(config);
        } catch (IllegalStateException e) {
            LOG.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
    }
}
