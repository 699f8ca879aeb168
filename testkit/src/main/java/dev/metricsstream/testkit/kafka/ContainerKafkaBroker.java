package dev.metricsstream.testkit.kafka;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka in a Docker container ({@code apache/kafka}, KRaft, single node) through Testcontainers, used when a Docker
 * engine is reachable. A restarted container would get a new mapped port, so this kind does not offer
 * {@link #stop()}/{@link #restart()}; tests that need an outage check {@link #supportsRestart()}.
 */
final class ContainerKafkaBroker extends AbstractKafkaBroker {

    static final String IMAGE = "apache/kafka:4.1.0";

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start() {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE))
                .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", Integer.toString(8 * 1024 * 1024))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String description() {
        return "Testcontainers " + IMAGE + " at " + bootstrapServers();
    }

    @Override
    public boolean supportsRestart() {
        return false;
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stop/restart needs the in-process broker: run with "
                + KafkaBrokerExtension.KIND_PROPERTY + "=in-process");
    }

    @Override
    public void restart() {
        stop();
    }

    @Override
    public void close() {
        container.stop();
    }
}
