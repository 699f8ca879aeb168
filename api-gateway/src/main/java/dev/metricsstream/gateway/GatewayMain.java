package dev.metricsstream.gateway;

import dev.metricsstream.common.ops.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's {@code main}: configuration from the environment, {@link GatewayApp} started, run until SIGTERM. */
public final class GatewayMain {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, GatewayConfig::from, config -> GatewayApp.start(config, GatewayApp.Deps.production()));
    }
}
