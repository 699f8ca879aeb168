package dev.metricsstream.aggregator;

import dev.metricsstream.common.ops.ServiceMain;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts {@link AggregatorApp}, stops it cleanly on SIGTERM; exits 1 if Kafka Streams fails. */
public final class AggregatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorMain.class);

    private AggregatorMain() {
    }

    public static void main(String[] args) throws Exception {
        ServiceMain.run(LOG, AggregatorConfig::from,
                config -> AggregatorApp.start(config, AggregatorApp.Deps.production()),
                app -> {
                    app.awaitStopped();
                    if (app.streams().state() == KafkaStreams.State.ERROR) {
                        LOG.atError().addKeyValue("reason", "streams_error").log("Kafka Streams failed; exiting");
                        return 1;
                    }
                    return 0;
                });
    }
}
