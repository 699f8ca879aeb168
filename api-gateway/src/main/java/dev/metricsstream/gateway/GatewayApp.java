package dev.metricsstream.gateway;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.common.ops.ServiceMain;
import dev.metricsstream.gateway.auth.DelegatedAuth;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.gateway.http.BusyPorts;
import dev.metricsstream.gateway.http.CoreApiSlice;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.GatewayStore;
import dev.metricsstream.gateway.store.StoreMetrics;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's composition root. At start-up, in this order: refuses a port that is already in use (one line,
 * before anything starts); starts delegated authentication (a configuration problem stops here); creates the store
 * metrics, the window history and the store, whose loading starts in the background ({@code /readyz} says when it
 * is done); gathers the health checks; loads the serving certificate (or makes a self-signed one); serves the
 * routes over HTTPS and the optional plain-HTTP port. {@link #close} stops them in reverse order.
 */
public final class GatewayApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    /**
     * What the gateway takes from outside its configuration.
     *
     * @param clock        request time, staleness and the window lookback (a simulated clock in simulated-time runs)
     * @param registry     where its metrics go (one per process: in-process runs that host several services pass
     *                     their own)
     * @param windowSink   also receives every decoded window record, restore included (the seam a window-history
     *                     store plugs into; {@link WindowSink#NONE} in production)
     * @param coreApiNodes non-null in the standalone only: also serve the core API slice {@code kubectl top} reads,
     *                     with node capacities from this source (in a cluster the kube-apiserver serves it)
     */
    public record Deps(InstantSource clock, PrometheusRegistry registry, WindowSink windowSink,
            CoreApiSlice.NodeResourcesSource coreApiNodes) {
        /** What GatewayMain passes: the system clock, a registry with the JVM metrics, no extra sink, no core API. */
        public static Deps production() {
            return new Deps(InstantSource.system(), ProcessMetrics.newRegistryWithJvmMetrics(), WindowSink.NONE, null);
        }

        public Deps withClock(InstantSource clock) {
            return new Deps(clock, registry, windowSink, coreApiNodes);
        }

        public Deps withRegistry(PrometheusRegistry registry) {
            return new Deps(clock, registry, windowSink, coreApiNodes);
        }

        public Deps withWindowSink(WindowSink windowSink) {
            return new Deps(clock, registry, windowSink, coreApiNodes);
        }

        public Deps withCoreApiNodes(CoreApiSlice.NodeResourcesSource coreApiNodes) {
            return new Deps(clock, registry, windowSink, coreApiNodes);
        }
    }

    private final GatewayStore store;
    private final GatewayServer server;
    private final DelegatedAuth auth;
    private final Health health;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GatewayApp(GatewayStore store, GatewayServer server, DelegatedAuth auth, Health health) {
        this.store = store;
        this.server = server;
        this.auth = auth;
        this.health = health;
    }

    /**
     * Starts the gateway; a port in use, or a start the configuration cannot make (delegated auth without an
     * apiserver, unreadable TLS material), is a {@link ServiceMain.CannotStart}.
     */
    public static GatewayApp start(GatewayConfig config, Deps deps) {
        BusyPorts ports = busyPorts(config);
        ports.refuseIfTaken();
        try {
            return startParts(config, deps, ports);
        } catch (ServiceMain.CannotStart e) {
            throw e;
        } catch (IllegalStateException e) {
            throw new ServiceMain.CannotStart("cannot_start", e.getMessage());
        }
    }

    private static GatewayApp startParts(GatewayConfig config, Deps deps, BusyPorts ports) {
        DelegatedAuth auth = DelegatedAuth.start(config.auth(), deps.clock()); // first: a config problem stops us early
        Topics topics = config.topics();
        StoreMetrics storeMetrics = new StoreMetrics(deps.registry());
        storeMetrics.initializeTopics(List.of(topics.nodeUsage().name(), topics.nodeMetricsWindows().name(),
                topics.podMetricsWindows().name()));
        WindowHistory history = new WindowHistory(config.history());
        WindowSink windows = window -> {
            history.accept(window);
            deps.windowSink().accept(window);
        };
        GatewayStore store = new GatewayStore(consumerConfig(config), topics, storeMetrics, windows,
                GatewayStore.DEFAULT_WINDOW_LOOKBACK, deps.clock());
        storeMetrics.registerGauges(deps.registry(), store, deps.clock(), store::consumerLagRecords);
        store.start(); // loading overlaps the TLS and HTTP set-up; /readyz says when it is done
        Health health = new Health().addLiveness(store.liveness()).addReadiness(store.readiness());
        auth.readiness().ifPresent(health::addReadiness);

        GatewayServer server;
        try {
            TlsMaterial tls = config.tlsCertDir() != null ? TlsMaterial.fromCertDir(config.tlsCertDir())
                    : TlsMaterial.selfSigned(config.serviceName(), config.podNamespace());
            Serving serving = new Serving(config.bindAddress(), config.httpsPort(),
                    config.httpPort() == 0 ? -1 : config.httpPort(), tls);
            GatewayRoutes.ApiSettings settings = new GatewayRoutes.ApiSettings(config.versionsPreferredFirst(),
                    freshness(config, store));
            GatewayRoutes.Collaborators collaborators = new GatewayRoutes.Collaborators(store, deps.clock(),
                    auth.filter(), deps.registry(), health, store.readiness(), history);
            server = ports.bindOrRefuse(() -> GatewayServer.start(serving, settings, collaborators,
                    deps.coreApiNodes()));
        } catch (RuntimeException e) {
            store.close();
            auth.close();
            throw e;
        }
        LOG.atInfo().addKeyValue("httpsPort", server.httpsPort()).addKeyValue("httpPort", server.httpPort())
                .addKeyValue("tls", config.tlsCertDir() == null ? "self-signed" : config.tlsCertDir().toString())
                .addKeyValue("stalenessBound", config.stalenessBoundConfigured() ? config.stalenessBound().toString()
                        : "3 × the scrape resolution on " + topics.nodeUsage().name() + " (until known: "
                        + config.stalenessBound() + ")")
                .addKeyValue("preferredVersion", config.preferredVersion())
                .addKeyValue("authMode", config.auth().mode().name().toLowerCase(Locale.ROOT))
                .log("gateway serving");
        return new GatewayApp(store, server, auth, health);
    }

    private static BusyPorts busyPorts(GatewayConfig config) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("HTTPS_PORT", config.httpsPort());
        ports.put("HTTP_PORT", config.httpPort());
        return new BusyPorts(config.bindAddress(), ports);
    }

    /** The configured bound, or 3 × the resolution the data carries when STALENESS_BOUND is not set. */
    private static Freshness freshness(GatewayConfig config, GatewayStore store) {
        return config.stalenessBoundConfigured() ? new Freshness(config.stalenessBound())
                : Freshness.derived(config.stalenessBound(), store::scrapeResolutionMillis);
    }

    private static Map<String, Object> consumerConfig(GatewayConfig config) {
        Map<String, Object> consumer = new HashMap<>(config.kafka().clientProperties());
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId());
        return consumer;
    }

    /** The HTTPS port it listens on (the one chosen when HTTPS_PORT is 0). */
    public int httpsPort() {
        return server.httpsPort();
    }

    /** The plain-HTTP port, or -1 when HTTP_PORT is off. */
    public int httpPort() {
        return server.httpPort();
    }

    /**
     * The checks {@code /livez} and {@code /readyz} run; a process hosting other services beside the gateway adds
     * theirs, so the probes answer for the whole process.
     */
    public Health health() {
        return health;
    }

    /** The store the routes read (the standalone watches it for the first rates). */
    public GatewayStore store() {
        return store;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close();
            auth.close();
            store.close();
        }
    }
}
