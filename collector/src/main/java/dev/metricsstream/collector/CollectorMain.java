package dev.metricsstream.collector;

import dev.metricsstream.common.ops.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the collector container: config from the environment, run until SIGTERM, then finish the
 * in-flight scrape and flush to Kafka.
 */
public final class CollectorMain {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

    private CollectorMain() {
    }

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, CollectorConfig::from,
                config -> CollectorApp.start(config, CollectorApp.Deps.production()));
    }
}
