package dev.metricsstream.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AggregatorConfigTest {

    @Test
    void defaults_follow_metrics_server_resolution_and_three_times_staleness() {
        AggregatorConfig config = AggregatorConfig.from(Map.of());
        assertEquals("metrics-stream-aggregator", config.applicationId());
        assertEquals(Duration.ofSeconds(15), config.scrapeResolution());
        assertEquals(Duration.ofSeconds(45), config.stalenessBound());
        assertEquals(List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
                config.windowSizes());
        assertEquals(StreamsConfig.AT_LEAST_ONCE, config.processingGuarantee());
        assertEquals("localhost:9092", config.kafka().clientProperties().get("bootstrap.servers"));
        assertNull(config.commitInterval());
    }

    @Test
    void staleness_default_follows_a_configured_resolution() {
        assertEquals(Duration.ofSeconds(90), AggregatorConfig.from(Map.of("SCRAPE_RESOLUTION", "30s"))
                .stalenessBound());
    }

    @Test
    void every_problem_is_reported_at_once() {
        ConfigException e = assertThrows(ConfigException.class, () -> AggregatorConfig.from(Map.of(
                "SCRAPE_RESOLUTION", "soon",
                "NUM_STREAM_THREADS", "0",
                "PROCESSING_GUARANTEE", "exactly_once",
                "WINDOW_SIZES", "1m,-5m",
                "TOPIC_REPLICATION_FACTOR", "0",
                "STALENESS_BOUND", "10s")));
        String message = e.getMessage();
        for (String key : List.of("SCRAPE_RESOLUTION", "NUM_STREAM_THREADS", "PROCESSING_GUARANTEE", "WINDOW_SIZES",
                "TOPIC_REPLICATION_FACTOR", "STALENESS_BOUND")) {
            assertTrue(message.contains(key), key + " missing from: " + message);
        }
    }

    @Test
    void kafka_settings_pass_through_and_secrets_are_hidden_when_printed() {
        AggregatorConfig config = AggregatorConfig.from(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"p4ss\";",
                "PROCESSING_GUARANTEE", "exactly-once-v2",
                "NUM_STANDBY_REPLICAS", "1",
                "COMMIT_INTERVAL", "200ms"));
        Properties properties = config.streamsProperties();
        assertEquals("broker:9093", properties.get("bootstrap.servers"));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, properties.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(1, properties.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
        assertEquals(200L, properties.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertFalse(config.toString().contains("p4ss"), config.toString());
        assertTrue(config.toString().contains("[hidden]"));
    }

    @Test
    void the_main_consumer_batches_its_fetches_unless_kafka_settings_say_otherwise() {
        Properties defaults = AggregatorConfig.from(Map.of()).streamsProperties();
        assertEquals(1 << 20, defaults.get("main.consumer.fetch.min.bytes"));
        assertEquals(100, defaults.get("main.consumer.fetch.max.wait.ms"));
        Properties overridden = AggregatorConfig.from(Map.of("KAFKA_FETCH_MAX_WAIT_MS", "5")).streamsProperties();
        assertEquals("5", overridden.get("fetch.max.wait.ms"));
        assertFalse(overridden.containsKey("main.consumer.fetch.max.wait.ms"), "the user's setting wins");
    }
}
