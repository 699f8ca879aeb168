package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation and the {@code topics} readiness check against a real KRaft broker. */
@ExtendWith(KafkaBrokerExtension.class)
class TopicSetupIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration RECHECK = Duration.ofMillis(200);

    @Test
    void topics_it_has_just_created_are_right_at_once_although_the_broker_does_not_know_them_yet(KafkaBroker broker)
            throws Exception {
        // On KRaft a describeConfigs right after createTopics answers UnknownTopicOrPartition most of the time (19 of
        // 20 here before the retry): the first check must wait for the broker instead of reporting it for good.
        for (int i = 0; i < 5; i++) {
            Topics topics = Topics.withPrefix(broker.uniqueTopicName("fresh") + ".");
            try (TopicSetup setup = TopicSetup.start(Admin.create(broker.clientConfig()), topics, 1, (short) 1, true,
                    TopicSetup.FIRST_CHECK_DEADLINE, Duration.ofHours(1))) {
                assertEquals(List.of(), setup.problems());
                assertTrue(setup.readiness().check().healthy());
            }
        }
    }

    @Test
    void becomes_ready_once_missing_topics_appear(KafkaBroker broker) throws Exception {
        Topics topics = Topics.withPrefix(broker.uniqueTopicName("late") + ".");
        try (TopicSetup setup = TopicSetup.start(Admin.create(broker.clientConfig()), topics, 1, (short) 1, false,
                Duration.ZERO, RECHECK)) {
            HealthCheck.Result first = setup.readiness().check();
            assertTrue(!first.healthy() && first.detail().contains(topics.podMetrics().name() + " is missing"),
                    first.detail());
            for (Topic<?, ?> topic : topics.all()) {
                broker.createTopic(topic, 1); // as an operator would, with CREATE_TOPICS=false
            }
            await().atMost(WAIT).untilAsserted(() -> assertTrue(setup.readiness().check().healthy(),
                    setup.readiness().check().detail()));
        }
    }

    @Test
    void becomes_ready_once_a_wrong_cleanup_policy_is_fixed(KafkaBroker broker) throws Exception {
        Topics topics = Topics.withPrefix(broker.uniqueTopicName("policy") + ".");
        broker.createTopic(topics.nodeMetrics().name(), 1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
        try (Admin admin = Admin.create(broker.clientConfig());
             TopicSetup setup = TopicSetup.start(Admin.create(broker.clientConfig()), topics, 1, (short) 1, true,
                     TopicSetup.FIRST_CHECK_DEADLINE, RECHECK)) {
            assertEquals(List.of("topic " + topics.nodeMetrics().name() + " has cleanup.policy=delete, expected "
                    + "compact"), setup.problems());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topics.nodeMetrics().name());
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                    AlterConfigOp.OpType.SET)))).all().get();
            await().atMost(WAIT).untilAsserted(() -> assertEquals(List.of(), setup.problems()));
            assertTrue(setup.readiness().check().healthy());
        }
    }
}
