package dev.metricsstream.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.OpsRoutes;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.Discovery;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.api.OpenApi;
import dev.metricsstream.gateway.custom.CustomMetricsRoutes;
import dev.metricsstream.gateway.history.HistoryRetention;
import dev.metricsstream.gateway.history.HistoryRoutes;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.gateway.http.CoreApiSlice;
import dev.metricsstream.gateway.http.JettyErrors;
import dev.metricsstream.gateway.http.MetricsApi;
import dev.metricsstream.gateway.http.RequestMetrics;
import dev.metricsstream.gateway.http.ResponseBodies;
import dev.metricsstream.gateway.http.StatusResponses;
import dev.metricsstream.gateway.http.VersionInfo;
import dev.metricsstream.gateway.prom.UsageExposition;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the gateway, built from its collaborators (no statics): the Resource Metrics API, discovery,
 * OpenAPI, {@code /version}, probes, {@code /metrics} (own metrics), {@code /metrics/usage} (the pipeline's data),
 * the History API and UI, custom and external metrics, the core API slice in the standalone, and the answers to
 * errors (Kubernetes {@code Status} bodies). Where it listens is
 * {@link dev.metricsstream.gateway.tls.ServingConnectors}'s business.
 */
public final class GatewayRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
    public static final String USAGE_PATH = "/metrics/usage";

    /**
     * What the routes read and report to.
     *
     * @param authFilter    runs before every matched route ({@code beforeMatched}); it may halt with a Status
     * @param storeRestored the store's readiness: until it passes the metrics API answers 503 (discovery is served)
     */
    public record Collaborators(MetricsStoreReader store, InstantSource clock, Handler authFilter,
            PrometheusRegistry registry, Health health, HealthCheck storeRestored, WindowHistory history) {
        /** For a store that is complete before serving starts (an in-memory store filled by the caller), no history. */
        public Collaborators(MetricsStoreReader store, InstantSource clock, Handler authFilter,
                PrometheusRegistry registry, Health health) {
            this(store, clock, authFilter, registry, health, ALWAYS_RESTORED, emptyHistory());
        }

        /** A store with its own readiness, no history fed. */
        public Collaborators(MetricsStoreReader store, InstantSource clock, Handler authFilter,
                PrometheusRegistry registry, Health health, HealthCheck storeRestored) {
            this(store, clock, authFilter, registry, health, storeRestored, emptyHistory());
        }

        /** A complete store and a window history. */
        public Collaborators(MetricsStoreReader store, InstantSource clock, Handler authFilter,
                PrometheusRegistry registry, Health health, WindowHistory history) {
            this(store, clock, authFilter, registry, health, ALWAYS_RESTORED, history);
        }

        private static final HealthCheck ALWAYS_RESTORED = HealthCheck.of("metrics-store", HealthCheck.Result::passed);

        /** Without a fed history: the History API answers NotFound for every entity. */
        private static WindowHistory emptyHistory() {
            return new WindowHistory(HistoryRetention.parse(HistoryRetention.DEFAULT, Durations::parse));
        }
    }

    /** API behaviour: served versions (preferred first) and the staleness bound. */
    public record ApiSettings(List<String> versionsPreferredFirst, Freshness freshness) {
        /** With a fixed staleness bound. */
        public ApiSettings(List<String> versionsPreferredFirst, Duration stalenessBound) {
            this(versionsPreferredFirst, new Freshness(stalenessBound));
        }
    }

    private GatewayRoutes() {
    }

    /**
     * @param coreApiNodes non-null only in the standalone: also serve the read-only core API slice {@code kubectl top}
     *                     needs ({@link CoreApiSlice}), with node capacities from this source; in a cluster the
     *                     kube-apiserver serves {@code /api} and this is null
     */
    public static void install(JavalinConfig config, ApiSettings settings, Collaborators collaborators,
            CoreApiSlice.NodeResourcesSource coreApiNodes) {
        Freshness freshness = settings.freshness();
        Discovery discovery = new Discovery(settings.versionsPreferredFirst());
        VersionInfo version = VersionInfo.current();
        OpenApi openApi = new OpenApi(settings.versionsPreferredFirst(), version.gitVersion());
        MetricsApi api = new MetricsApi(collaborators.store(), collaborators.storeRestored(), collaborators.clock(),
                freshness, discovery, collaborators.registry());
        UsageExposition usage = new UsageExposition(collaborators.store(), freshness);
        RequestMetrics requestMetrics = new RequestMetrics(collaborators.registry());
        JettyErrors jettyErrors = new JettyErrors(collaborators.registry());

        config.http.compressionStrategy = CompressionStrategy.NONE;
        // a write to a read-only resource is 405 MethodNotAllowed, as the apiserver answers it
        config.http.prefer405over404 = true;
        config.router.ignoreTrailingSlashes = true;
        // errors Jetty answers itself (bad request line, 414, 431, failures outside the routes): a Status
        config.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors.forServer()));
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyErrors.forContext()));
        config.router.javaLangErrorHandler(jettyErrors::javaLangError);
        config.requestLogger.http(requestMetrics::record);
        config.routes.beforeMatched(collaborators.authFilter());
        api.install(config);
        if (coreApiNodes != null) {
            new CoreApiSlice(collaborators.store(), collaborators.storeRestored(), collaborators.clock(), freshness,
                    coreApiNodes).install(config);
        }
        HistoryRoutes.install(config, collaborators.history(), collaborators.clock(), collaborators.registry());
        // the window sizes kept in history (HISTORY_WINDOWS) are the sizes offered as custom/external metrics
        CustomMetricsRoutes.install(config, collaborators.store(), collaborators.clock(), freshness,
                collaborators.history().retention().sizes().stream().map(HistoryRetention.Size::window).toList(),
                collaborators.registry());
        OpsRoutes.install(config, collaborators.registry(), collaborators.health());
        config.routes.get(USAGE_PATH, ctx -> writeUsage(ctx, usage, collaborators.clock()));
        config.routes.get("/version", ctx -> jsonBytes(ctx, versionJson(version)));
        config.routes.get("/openapi/v2", ctx -> jsonBytes(ctx, openApi.v2()));
        config.routes.get("/openapi/v3", ctx -> jsonBytes(ctx, openApi.v3Index()));
        config.routes.get("/openapi/v3/apis/" + Discovery.GROUP + "/{version}", ctx -> {
            byte[] document = openApi.v3(ctx.pathParam("version"));
            if (document == null) {
                StatusResponses.send(ctx, ApiStatus.pathNotFound());
            } else {
                jsonBytes(ctx, document);
            }
        });
        config.routes.error(404, ctx -> {
            if (!StatusResponses.alreadySent(ctx)) {
                StatusResponses.send(ctx, ApiStatus.pathNotFound());
            }
        });
        config.routes.error(405, ctx -> {
            if (!StatusResponses.alreadySent(ctx)) {
                StatusResponses.send(ctx, new ApiStatus(405, "MethodNotAllowed",
                        "the server does not allow this method on the requested resource", null));
            }
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.atError().setCause(e).addKeyValue("path", ctx.path()).log("request failed");
            if (!ctx.res().isCommitted()) {
                StatusResponses.send(ctx, ApiStatus.internalError("the request could not be answered"));
            }
        });
    }

    private static void writeUsage(Context ctx, UsageExposition usage, InstantSource clock) throws Exception {
        UsageExposition.Format format = UsageExposition.Format.negotiate(ctx.header("Accept"));
        try (OutputStream out = ResponseBodies.open(ctx, 200, format.contentType());
             Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            usage.write(writer, format, clock.millis());
        }
    }

    private static byte[] versionJson(VersionInfo version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MetricsJson.generator(out)) {
            version.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void jsonBytes(Context ctx, byte[] body) throws Exception {
        try (OutputStream out = ResponseBodies.open(ctx, 200, "application/json")) {
            out.write(body);
        }
    }
}
