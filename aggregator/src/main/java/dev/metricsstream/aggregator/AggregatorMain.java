package dev.metricsstream.aggregator;

import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.common.ops.ProcessMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts {@link AggregatorApp} and stops it cleanly on SIGTERM. */
public final class AggregatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorMain.class);

    private AggregatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        AggregatorConfig config;
        try {
            config = AggregatorConfig.from(System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        AggregatorApp app = AggregatorApp.start(config, ProcessMetrics.newRegistryWithJvmMetrics());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "aggregator-shutdown"));
        app.awaitStopped();
        if (app.streams().state() == KafkaStreams.State.ERROR) {
            LOG.atError().addKeyValue("reason", "streams_error").log("Kafka Streams failed; exiting");
            app.close();
            System.exit(1);
        }
    }
}
