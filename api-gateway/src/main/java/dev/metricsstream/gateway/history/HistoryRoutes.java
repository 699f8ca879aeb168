package dev.metricsstream.gateway.history;

import dev.metricsstream.gateway.store.Clock;
import io.javalin.config.JavalinConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Registers the History API and the web view with one call from the app factory. */
public final class HistoryRoutes {
    private HistoryRoutes() {
    }

    public static void install(JavalinConfig config, WindowHistory history, Clock clock, PrometheusRegistry registry) {
        new HistoryApi(history, clock, registry).install(config);
        WebView.install(config);
    }
}
