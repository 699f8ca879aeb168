package dev.metricsstream.gateway.custom;

import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.config.JavalinConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

/** Registers custom.metrics.k8s.io and external.metrics.k8s.io with one call from the app factory. */
public final class CustomMetricsRoutes {
    private CustomMetricsRoutes() {
    }

    /** @param windowSizes the window sizes offered as metrics ({@code cpu_usage_avg_5m}, …) */
    public static void install(JavalinConfig config, MetricsStoreReader store, InstantSource clock, Freshness freshness,
            List<Duration> windowSizes, PrometheusRegistry registry) {
        new CustomMetricsApi(store, clock, freshness, windowSizes, registry).install(config);
    }
}
