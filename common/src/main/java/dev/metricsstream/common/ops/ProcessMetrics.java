package dev.metricsstream.common.ops;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Registers the JVM and process metrics (heap, GC, threads, CPU, RSS) once per registry. */
public final class ProcessMetrics {
    private ProcessMetrics() {
    }

    public static PrometheusRegistry newRegistryWithJvmMetrics() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return registry;
    }
}
