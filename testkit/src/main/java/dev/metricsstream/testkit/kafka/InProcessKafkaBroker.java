package dev.metricsstream.testkit.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (one process acting as broker and controller) running inside the test JVM, built
 * with Kafka's own {@link KafkaClusterTestKit}. It formats its storage with the latest production metadata
 * version (the kit defaults to an unreleased one). {@link #stop()} shuts the broker side down, so clients lose
 * their connection while the data stays on disk; {@link #restart()} starts it again on the same port (the kit
 * rebinds the port it allocated up front).
 */
final class InProcessKafkaBroker extends AbstractKafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);
    private static final String SOURCE = "metrics-stream testkit";
    /** The broker's default is 128 MiB, which costs ~120 MiB of heap per embedded broker. */
    private static final String DEDUPE_BUFFER_BYTES = Integer.toString(8 * 1024 * 1024);

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private volatile boolean running;

    private InProcessKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        this.running = true;
    }

    /** Formats and starts a fresh broker in a temporary directory; waits until it accepts requests. */
    static InProcessKafkaBroker start() {
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("log.cleaner.dedupe.buffer.size", DEDUPE_BUFFER_BYTES)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    // a restarted broker re-registers once the controller let the old session expire
                    .setConfigProp("broker.heartbeat.interval.ms", "500")
                    .setConfigProp("broker.session.timeout.ms", "2000")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InProcessKafkaBroker(cluster);
        } catch (Exception e) {
            closeQuietly(cluster);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e, e);
        }
    }

    private static BootstrapMetadata productionBootstrapMetadata() {
        Map<String, Short> features = new HashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            if (feature != Feature.KRAFT_VERSION) {
                features.put(feature.featureName(), feature.latestProduction());
            }
        }
        return BootstrapMetadata.fromVersions(MetadataVersion.latestProduction(), features, SOURCE);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public String description() {
        return "in-process KRaft broker " + AppInfoParser.getVersion() + " at " + bootstrapServers
                + " (metadata version " + MetadataVersion.latestProduction() + ")";
    }

    @Override
    public boolean supportsRestart() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        long startNanos = System.nanoTime();
        BrokerServer broker = broker();
        broker.shutdown(Duration.ofSeconds(30));
        broker.awaitShutdown();
        running = false;
        LOG.info("Kafka for tests: broker at {} stopped in {} ms", bootstrapServers, elapsedMillis(startNanos));
    }

    @Override
    public synchronized void restart() {
        if (running) {
            return;
        }
        long startNanos = System.nanoTime();
        broker().startup();
        try {
            cluster.waitForReadyBrokers();
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker did not become ready after restart: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the broker", e);
        }
        running = true;
        LOG.info("Kafka for tests: broker at {} restarted in {} ms", bootstrapServers, elapsedMillis(startNanos));
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    @Override
    public synchronized void close() {
        closeQuietly(cluster);
        running = false;
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // best effort at shutdown: the temporary directory is deleted by the kit when it can
        }
    }
}
