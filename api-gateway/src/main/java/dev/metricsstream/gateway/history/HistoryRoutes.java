package dev.metricsstream.gateway.history;

import io.javalin.config.JavalinConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;

/** Registers the History API and the web view with one call from the app factory. */
public final class HistoryRoutes {
    private HistoryRoutes() {
    }

    public static void install(JavalinConfig config, WindowHistory history, InstantSource clock,
            PrometheusRegistry registry) {
        new HistoryApi(history, clock, registry).install(config);
        WebView.install(config);
    }
}
