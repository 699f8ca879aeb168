package dev.metricsstream.testkit.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.schemas.Topic;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class KafkaBrokerExtensionIT {

    private final KafkaBroker broker;

    KafkaBrokerExtensionIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    @Order(1)
    void a_test_may_leave_the_broker_stopped() {
        assumeTrue(broker.supportsRestart(), "stop/restart needs the in-process broker; " + broker.description());

        broker.stop();

        assertFalse(broker.isRunning());
    }

    @Test
    @Order(2)
    void the_next_test_finds_it_running_again_at_the_same_address() throws Exception {
        assertTrue(broker.isRunning());
        try (Admin admin = Admin.create(broker.clientConfig())) {
            assertEquals(1, admin.describeCluster().nodes().get().size());
        }
    }

    @Test
    void an_unknown_broker_kind_is_rejected_with_the_choices() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> KafkaBrokerExtension.startBroker("zookeeper"));

        assertTrue(error.getMessage().contains("auto, in-process or container"), error.getMessage());
    }

    @Test
    void unique_topic_names_never_repeat() {
        String first = broker.uniqueTopicName("x");
        String second = broker.uniqueTopicName("x");

        assertNotEquals(first, second);
        assertTrue(first.startsWith("x-"), first);
    }

    @Test
    void reading_fewer_records_than_expected_fails_with_what_was_read() {
        String name = broker.uniqueTopicName("empty");
        broker.createTopic(name, 1, Map.of());
        Topic<String, String> topic = new Topic<>(name, Serdes.String(), Serdes.String(), Map.of());

        AssertionError error = assertThrows(AssertionError.class,
                () -> broker.readAtLeast(topic, 1, Duration.ofSeconds(1)));

        assertTrue(error.getMessage().contains("read 0"), error.getMessage());
    }

    @Nested
    @Order(1)
    class InAnotherTestClass {

        @Test
        void the_same_broker_serves_every_test_of_the_run(KafkaBroker other) {
            assertSame(broker, other);
        }
    }

    /** Names created by {@link ATestClassThatCreatesTopics}, checked by {@link TheTestClassAfterIt}. */
    private static final Set<String> CREATED_BY_THE_CLASS_BEFORE = ConcurrentHashMap.newKeySet();

    @Nested
    @Order(2)
    class ATestClassThatCreatesTopics {

        @Test
        void creates_topics(KafkaBroker other) throws Exception {
            String own = other.uniqueTopicName("left-behind");
            other.createTopic(own, 1, Map.of());
            CREATED_BY_THE_CLASS_BEFORE.add(own);
            other.createUniqueTopics(1).all().forEach(topic -> CREATED_BY_THE_CLASS_BEFORE.add(topic.name()));
            try (Admin admin = Admin.create(other.clientConfig())) {
                assertTrue(admin.listTopics().names().get().containsAll(CREATED_BY_THE_CLASS_BEFORE));
            }
        }
    }

    @Nested
    @Order(3)
    class TheTestClassAfterIt {

        @Test
        void finds_none_of_its_topics(KafkaBroker other) throws Exception {
            assertFalse(CREATED_BY_THE_CLASS_BEFORE.isEmpty(), "the class before it ran first");
            try (Admin admin = Admin.create(other.clientConfig())) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    Set<String> left = new HashSet<>(admin.listTopics().names().get());
                    left.retainAll(CREATED_BY_THE_CLASS_BEFORE);
                    assertEquals(Set.of(), left);
                });
            }
        }
    }
}
