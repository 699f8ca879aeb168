package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.MetricsWindow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void default_names_follow_the_design_topic_table() {
        Topics topics = Topics.defaults();

        assertEquals(List.of("kubelet-scrapes", "node-metrics", "pod-metrics", "node-usage", "node-metrics-windows",
                "pod-metrics-windows", "kubelet-scrapes-dlq"), topics.all().stream().map(Topic::name).toList());
    }

    @Test
    void a_prefix_goes_in_front_of_every_name() {
        Topics topics = Topics.withPrefix("prod.");

        assertEquals("prod.kubelet-scrapes", topics.kubeletScrapes().name());
        assertTrue(topics.all().stream().allMatch(topic -> topic.name().startsWith("prod.")));
    }

    @Test
    void an_illegal_prefix_is_rejected_with_the_rule() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Topics.withPrefix("prod/"));

        assertTrue(error.getMessage().contains("'prod/'"), error.getMessage());
    }

    @Test
    void policies_follow_the_design_topic_table() {
        Topics topics = Topics.defaults();

        assertEquals(Optional.of(86_400_000L), topics.kubeletScrapes().retentionMillis());
        assertFalse(topics.kubeletScrapes().compacted());
        assertTrue(topics.nodeMetrics().compacted());
        assertTrue(topics.podMetrics().compacted());
        assertEquals(Optional.empty(), topics.podMetrics().retentionMillis());
        assertEquals(Optional.of(604_800_000L), topics.nodeMetricsWindows().retentionMillis());
        assertEquals(Optional.of(604_800_000L), topics.podMetricsWindows().retentionMillis());
        assertEquals(Optional.of(604_800_000L), topics.kubeletScrapesDlq().retentionMillis());
        assertEquals("delete", topics.kubeletScrapesDlq().configs().get("cleanup.policy"));
    }

    @Test
    void new_topic_requests_carry_the_intended_configuration() {
        NewTopic request = Topics.defaults().nodeMetrics().newTopic(6, (short) 3);

        assertEquals("node-metrics", request.name());
        assertEquals(6, request.numPartitions());
        assertEquals(3, request.replicationFactor());
        assertEquals(Map.of("cleanup.policy", "compact"), request.configs());
    }

    @Test
    void serdes_match_the_record_types() {
        Topics topics = Topics.defaults();

        assertEquals(MetricsWindow.class, ((AvroSerde<?>) topics.podMetricsWindows().valueSerde()).type());
        assertInstanceOf(AvroSerde.class, topics.kubeletScrapes().valueSerde());
        assertEquals(Serdes.ByteArray().getClass(), topics.kubeletScrapesDlq().valueSerde().getClass());
        assertEquals(Serdes.String().getClass(), topics.podMetrics().keySerde().getClass());
    }

    @Test
    void topic_configs_cannot_be_changed_after_declaration() {
        Map<String, String> configs = new HashMap<>(Map.of("cleanup.policy", "compact"));
        Topic<String, String> topic = new Topic<>("t", Serdes.String(), Serdes.String(), configs);
        configs.put("cleanup.policy", "delete");

        assertEquals("compact", topic.configs().get("cleanup.policy"));
        assertThrows(UnsupportedOperationException.class, () -> topic.configs().put("retention.ms", "1"));
    }

    @Test
    void an_illegal_topic_name_is_rejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Topic<>("has space", Serdes.String(), Serdes.String(), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Topic<>("..", Serdes.String(), Serdes.String(), Map.of()));
    }
}
