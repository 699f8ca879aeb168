package dev.metricsstream.gateway;

import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.gateway.auth.DelegatedAuth;
import dev.metricsstream.gateway.store.Clock;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.GatewayStore;
import dev.metricsstream.gateway.store.StoreMetrics;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: reads the config, wires store, clock, TLS, metrics and health, starts serving. */
public final class GatewayMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private final GatewayStore store;
    private final GatewayServer server;
    private final DelegatedAuth auth;

    private GatewayMain(GatewayStore store, GatewayServer server, DelegatedAuth auth) {
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
        return start(config, clock, registry, WindowSink.NONE);
    }

    /**
     * Starts with a given clock, registry and a {@link WindowSink} that receives every decoded window record (the
     * seam a window-history store plugs into).
     */
    public static GatewayMain start(GatewayConfig config, Clock clock, PrometheusRegistry registry,
            WindowSink windowSink) throws IOException {
        DelegatedAuth auth = DelegatedAuth.start(config.auth(), clock); // first: a config problem stops us early
        StoreMetrics storeMetrics = new StoreMetrics(registry);
        GatewayStore store = new GatewayStore(consumerConfig(config), config.storeTopics(), storeMetrics, windowSink,
                GatewayStore.DEFAULT_WINDOW_LOOKBACK, clock);
        storeMetrics.registerGauges(registry, store, clock, store::consumerLagRecords);
        store.start(); // loading overlaps the TLS and HTTP set-up; /readyz says when it is done
        Health health = new Health().addLiveness(store.liveness()).addReadiness(store.readiness());
        auth.readiness().ifPresent(health::addReadiness);

        GatewayServer server;
        try {
            TlsMaterial tls = config.tlsCertDir() != null ? TlsMaterial.fromCertDir(config.tlsCertDir())
                    : TlsMaterial.selfSigned(config.serviceName(), config.podNamespace());
            server = GatewayServer.start(
                    new GatewayApp.Serving(config.bindAddress(), config.httpsPort(),
                            config.httpPort() == 0 ? -1 : config.httpPort(), tls),
                    new GatewayApp.ApiSettings(config.versionsPreferredFirst(), freshness(config, store)),
                    new GatewayApp.Collaborators(store, clock, auth.filter(), registry, health));
        } catch (RuntimeException e) {
            store.close();
            auth.close();
            throw e;
        }
        LOG.atInfo().addKeyValue("httpsPort", server.httpsPort()).addKeyValue("httpPort", server.httpPort())
                .addKeyValue("tls", config.tlsCertDir() == null ? "self-signed" : config.tlsCertDir().toString())
                .addKeyValue("stalenessBound", config.stalenessBoundConfigured() ? config.stalenessBound().toString()
                        : "3 × the scrape resolution on " + config.storeTopics().nodeUsage() + " (until known: "
                        + config.stalenessBound() + ")")
                .addKeyValue("preferredVersion", config.preferredVersion())
                .addKeyValue("authMode", config.auth().mode().name().toLowerCase(java.util.Locale.ROOT))
                .log("gateway serving");
        return new GatewayMain(store, server, auth);
    }

    /** The configured bound, or 3 × the resolution the data carries when STALENESS_BOUND is not set. */
    static Freshness freshness(GatewayConfig config, GatewayStore store) {
        return config.stalenessBoundConfigured() ? new Freshness(config.stalenessBound())
                : Freshness.derived(config.stalenessBound(), store::scrapeResolutionMillis);
    }

    static Map<String, Object> consumerConfig(GatewayConfig config) {
        Map<String, Object> consumer = new HashMap<>(config.kafkaClientProperties());
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId());
        return consumer;
    }

    public GatewayServer server() {
        return server;
    }

    public GatewayStore store() {
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
