package dev.metricsstream.aggregator;

import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;

/**
 * The first step of the aggregator's start-up: make its topics right (create what is missing, check cleanup
 * policies) and say, as the {@code topics} readiness check, whether they are. Production uses {@link #kafkaAdmin()};
 * a test or an in-process run that administers the topics some other way passes its own through
 * {@link AggregatorApp.Deps}.
 */
@FunctionalInterface
public interface TopicAdministration {

    /**
     * Starts administering the topics; may block for a first check (Kafka Streams should not start on topics of the
     * wrong kind), must not throw for topics that are not right yet (that is what the readiness check reports).
     */
    Started start(AggregatorConfig config, Topics topics) throws InterruptedException;

    /** A started administration: its readiness check, and {@code close} to stop whatever it runs in the background. */
    interface Started extends AutoCloseable {
        /** Passes once the topics are as the aggregator needs them; named {@code topics}. */
        HealthCheck readiness();

        @Override
        void close();
    }

    /**
     * What production does: {@link TopicSetup} with an Admin client from the configuration
     * ({@code TOPIC_PARTITIONS}, {@code TOPIC_REPLICATION_FACTOR}, {@code CREATE_TOPICS}), rechecking in the
     * background until the topics are right.
     */
    static TopicAdministration kafkaAdmin() {
        return (config, topics) -> TopicSetup.start(Admin.create(config.kafka().clientProperties()), topics,
                config.topicPartitions(), config.topicReplicationFactor(), config.createTopics(),
                TopicSetup.FIRST_CHECK_DEADLINE, TopicSetup.RECHECK_INTERVAL);
    }
}
