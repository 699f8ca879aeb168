package dev.metricsstream.combined;

import dev.metricsstream.common.ops.ServiceMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the environment ({@link CombinedConfig}), starts {@link CombinedApp}, stops it cleanly on SIGTERM; exits 1
 * if the aggregator's Kafka Streams fails, as {@code AggregatorMain} does.
 */
public final class CombinedMain {
    private static final Logger LOG = LoggerFactory.getLogger(CombinedMain.class);

    private CombinedMain() {
    }

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, CombinedConfig::from, CombinedApp::start, app -> {
            int code = app.awaitAggregatorStopped();
            if (code != 0) {
                LOG.atError().addKeyValue("reason", "streams_error").log("the aggregator's Kafka Streams failed; exiting");
            }
            return code;
        });
    }
}
