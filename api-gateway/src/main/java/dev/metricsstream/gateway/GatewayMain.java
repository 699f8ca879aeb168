package dev.metricsstream.gateway;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.common.ops.ServiceMain;
import dev.metricsstream.gateway.auth.DelegatedAuth;
import dev.metricsstream.gateway.http.CoreApiSlice;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.gateway.store.Clock;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.GatewayStore;
import dev.metricsstream.gateway.store.StoreMetrics;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
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
        return start(config, clock, registry, WindowSink.NONE, null);
    }

    /**
     * As {@link #start(GatewayConfig, Clock, PrometheusRegistry)}; {@code coreApiNodes} non-null (the standalone only)
     * also serves the core API slice {@code kubectl top} reads, with node capacities from that source.
     */
    public static GatewayMain start(GatewayConfig config, Clock clock, PrometheusRegistry registry,
            CoreApiSlice.NodeResourcesSource coreApiNodes) throws IOException {
        return start(config, clock, registry, WindowSink.NONE, coreApiNodes);
    }

    /** As {@link #start(GatewayConfig, Clock, PrometheusRegistry)}, handing every decoded window to {@code windowSink}. */
    public static GatewayMain start(GatewayConfig config, Clock clock, PrometheusRegistry registry,
            WindowSink windowSink) throws IOException {
        return start(config, clock, registry, windowSink, null);
    }

    /**
     * Starts with a given clock, registry, a {@link WindowSink} that receives every decoded window record (the seam a
     * window-history store plugs into) and, in the standalone only, the node capacities of the core API slice.
     */
    public static GatewayMain start(GatewayConfig config, Clock clock, PrometheusRegistry registry,
            WindowSink windowSink, CoreApiSlice.NodeResourcesSource coreApiNodes) throws IOException {
        DelegatedAuth auth = DelegatedAuth.start(config.auth(), clock); // first: a config problem stops us early
        StoreMetrics storeMetrics = new StoreMetrics(registry);
        GatewayStore.Topics topics = config.storeTopics();
        storeMetrics.initializeTopics(List.of(topics.nodeUsage(), topics.nodeWindows(), topics.podWindows()));
        WindowHistory history = new WindowHistory(config.history());
        WindowSink windows = window -> {
            history.accept(window);
            windowSink.accept(window);
        };
        GatewayStore store = new GatewayStore(consumerConfig(config), topics, storeMetrics, windows,
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
                    new GatewayApp.Collaborators(store, clock, auth.filter(), registry, health, store.readiness(),
                            history),
                    coreApiNodes);
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
        Map<String, Object> consumer = new HashMap<>(config.kafka().clientProperties());
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

    /** A one-line explanation when HTTPS_PORT or HTTP_PORT cannot be bound on BIND_ADDRESS, else null. */
    static String portInUse(GatewayConfig config) {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        ports.put("HTTPS_PORT", config.httpsPort());
        ports.put("HTTP_PORT", config.httpPort());
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            if (port.getValue() <= 0) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is not "in use"
                socket.bind(new InetSocketAddress(config.bindAddress(), port.getValue()));
            } catch (IOException e) {
                return port.getKey() + " " + port.getValue() + " on " + config.bindAddress()
                        + " is already in use; stop what uses it or set " + port.getKey() + " to another port";
            }
        }
        return null;
    }

    private static String busyMessage(GatewayConfig config) {
        String busy = portInUse(config);
        return busy != null ? busy : "HTTPS_PORT " + config.httpsPort() + " or HTTP_PORT " + config.httpPort()
                + " on " + config.bindAddress() + " is already in use";
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException || t instanceof io.javalin.util.JavalinBindException) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, GatewayConfig::from, GatewayMain::startOrRefuse);
    }

    /** {@link #start(GatewayConfig)}, or one clear line when a port is taken or the start is refused. */
    static GatewayMain startOrRefuse(GatewayConfig config) throws IOException {
        String busy = portInUse(config);
        if (busy != null) { // checked before anything starts, so this is the only line (no Jetty/Kafka noise)
            throw new ServiceMain.CannotStart("port_in_use", busy);
        }
        try {
            return start(config);
        } catch (IllegalStateException e) {
            throw new ServiceMain.CannotStart("cannot_start", e.getMessage());
        } catch (RuntimeException e) {
            if (!causedByBind(e)) {
                throw e;
            }
            // taken between the check and the bind: the same one line, without Javalin's exception
            throw new ServiceMain.CannotStart("port_in_use", busyMessage(config));
        }
    }
}
