package dev.metricsstream.common.ops;

import dev.metricsstream.common.health.Health;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The services' Javalin-based ops port keeps the ops-port contract. */
class OpsServerTest extends OpsPortContract {
    @Override
    protected Port start(PrometheusRegistry registry, Health health) {
        OpsServer server = OpsServer.start("127.0.0.1", 0, registry, health);
        return new Port(server.port(), server);
    }
}
