package dev.metricsstream.collector;

import dev.metricsstream.common.config.ConfigException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the collector container: config from the environment, run until SIGTERM. */
public final class CollectorMain {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

    private CollectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CollectorConfig config;
        try {
            config = CollectorConfig.from(System.getenv());
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                LOG.atError().addKeyValue("reason", "invalid_config").log("{}", problem);
            }
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CollectorApp app = CollectorApp.create(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("SIGTERM: finishing the in-flight scrape and flushing to Kafka");
            app.close();
            stopped.countDown();
        }, "collector-shutdown"));
        stopped.await();
    }
}
