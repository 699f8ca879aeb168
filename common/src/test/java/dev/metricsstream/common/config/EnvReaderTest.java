package dev.metricsstream.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderTest {

    enum Source { METRICS_RESOURCE, STATS_SUMMARY }

    @Test
    void every_problem_is_reported_together_not_just_the_first() {
        EnvReader env = new EnvReader(Map.of(
                "RESOLUTION", "5 parsecs",
                "PORT", "70000",
                "SOURCE", "cadvisor",
                "ENABLED", "maybe"));
        env.duration("RESOLUTION", Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofHours(1));
        env.integer("PORT", 8080, 1, 65535);
        env.enumValue("SOURCE", Source.class, Source.METRICS_RESOURCE);
        env.bool("ENABLED", true);
        env.required("NODE_NAME");

        ConfigException error = assertThrows(ConfigException.class, env::finish);

        assertEquals(5, error.problems().size(), error.getMessage());
        assertTrue(error.getMessage().contains("RESOLUTION must be a duration"), error.getMessage());
        assertTrue(error.getMessage().contains("PORT must be between 1 and 65535, got 70000"), error.getMessage());
        assertTrue(error.getMessage().contains("SOURCE must be one of [metrics-resource, stats-summary]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("NODE_NAME is required"), error.getMessage());
    }

    @Test
    void defaults_apply_when_keys_are_absent_or_blank() {
        EnvReader env = new EnvReader(Map.of("PORT", "  "));
        assertEquals(8080, env.integer("PORT", 8080, 1, 65535));
        assertEquals(Duration.ofSeconds(15),
                env.duration("RESOLUTION", Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofHours(1)));
        assertEquals(Source.STATS_SUMMARY, env.enumValue("SOURCE", Source.class, Source.STATS_SUMMARY));
        env.finish();
        assertEquals(List.of("PORT", "RESOLUTION", "SOURCE"), env.keysRead());
    }

    @Test
    void durations_below_the_minimum_are_rejected_with_the_bounds_in_the_message() {
        EnvReader env = new EnvReader(Map.of("RESOLUTION", "5s"));
        env.duration("RESOLUTION", Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofHours(1));
        assertEquals(List.of("RESOLUTION must be between 10s and 1h, got 5s"), env.problems());
    }

    @Test
    void secrets_never_print_their_value() {
        EnvReader env = new EnvReader(Map.of("TOKEN", "s3cr3t"));
        Secret token = env.secret("TOKEN", null);
        assertEquals("[hidden]", token.toString());
        assertEquals("s3cr3t", token.reveal());
        assertFalse(String.valueOf(new Holder(token)).contains("s3cr3t"));
    }

    private record Holder(Secret token) {
    }

    @Test
    void kafka_settings_pass_through_strimzi_style_except_our_own_keys() {
        EnvReader env = new EnvReader(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "KAFKA_SASL_JAAS_CONFIG", "x",
                "KAFKA_TOPIC_PREFIX", "prod.",
                "OTHER", "y"));
        Map<String, String> props = env.kafkaClientProperties("KAFKA_", List.of("KAFKA_TOPIC_PREFIX"));
        assertEquals(Map.of("bootstrap.servers", "kafka:9092", "sasl.jaas.config", "x"), props);
    }

    @Test
    void go_style_durations_parse_like_kubernetes_flags() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofSeconds(15), Durations.parse("PT15S"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("15"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("15s garbage"));
        assertEquals("15s", Durations.format(Duration.ofSeconds(15)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }
}
