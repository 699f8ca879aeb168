package dev.metricsstream.gateway;

import dev.metricsstream.common.ops.ServiceMain;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's {@code main}: configuration from the environment, {@link GatewayApp} started, run until SIGTERM. */
public final class GatewayMain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, GatewayConfig::from, config -> GatewayApp.start(config, GatewayApp.Deps.production()));
    }

    // Temporary: the old entry SummaryMetricsPipelineIT still calls until it moves to standalone (another branch
    // owns that file). Everything else starts GatewayApp. Remove with that move.
    private final GatewayApp app;

    private GatewayMain(GatewayApp app) {
        this.app = app;
    }

    /** @deprecated use {@link GatewayApp#start}; kept only until SummaryMetricsPipelineIT moves to standalone. */
    @Deprecated
    public static GatewayMain start(GatewayConfig config, LongSupplier nowMillis, PrometheusRegistry registry) {
        return new GatewayMain(GatewayApp.start(config, GatewayApp.Deps.production()
                .withClock(() -> Instant.ofEpochMilli(nowMillis.getAsLong())).withRegistry(registry)));
    }

    /** @deprecated see {@link #start(GatewayConfig, LongSupplier, PrometheusRegistry)}. */
    @Deprecated
    public GatewayApp server() {
        return app;
    }

    @Override
    public void close() {
        app.close();
    }
}
