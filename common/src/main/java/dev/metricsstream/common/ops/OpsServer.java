package dev.metricsstream.common.ops;

import dev.metricsstream.common.health.Health;
import io.javalin.Javalin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The small plain-HTTP port each service opens for Prometheus and the kubelet's probes.
 * The gateway installs the same routes into its own app instead.
 */
public final class OpsServer implements AutoCloseable {
    private final Javalin app;

    private OpsServer(Javalin app) {
        this.app = app;
    }

    /** Starts on {@code host:port}; port 0 picks a free one (see {@link #port()}). */
    public static OpsServer start(String host, int port, PrometheusRegistry registry, Health health) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            OpsRoutes.install(config, registry, health);
        });
        app.start(host, port);
        return new OpsServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
