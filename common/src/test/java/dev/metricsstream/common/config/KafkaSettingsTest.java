package dev.metricsstream.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    static final Map<String, String> ENV = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
            "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_SASL_JAAS_CONFIG", "PlainLoginModule required username=\"u\" password=\"jaas-s3cr3t\";",
            "KAFKA_SSL_KEYSTORE_PASSWORD", "keystore-s3cr3t",
            "TOPIC_PREFIX", "not-kafka");

    @Test
    void every_kafka_variable_reaches_the_client_and_credentials_are_held_as_secrets() {
        KafkaSettings kafka = KafkaSettings.from(new EnvReader(ENV), "localhost:9092");

        assertEquals(Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", ENV.get("KAFKA_SASL_JAAS_CONFIG"),
                "ssl.keystore.password", "keystore-s3cr3t"), kafka.clientProperties());
        assertEquals(Map.of("security.protocol", "SASL_SSL"), kafka.settings());
        assertEquals(List.of("sasl.jaas.config", "ssl.keystore.password"), List.copyOf(kafka.secrets().keySet()));
    }

    @Test
    void printing_never_shows_a_credential() {
        KafkaSettings kafka = KafkaSettings.from(new EnvReader(ENV), "localhost:9092");

        for (String printed : List.of(kafka.toString(), kafka.shown().toString(), String.valueOf(kafka.secrets()))) {
            assertFalse(printed.contains("s3cr3t"), printed);
        }
        assertTrue(kafka.toString().contains("sasl.jaas.config=[hidden]"), kafka.toString());
        assertTrue(kafka.toString().contains("bootstrap.servers=kafka:9093"), kafka.toString());
    }

    @Test
    void bootstrap_servers_are_defaulted_or_required_as_the_service_decides() {
        assertEquals("localhost:9092", KafkaSettings.from(new EnvReader(Map.of()), "localhost:9092").bootstrapServers());

        EnvReader reader = new EnvReader(Map.of());
        KafkaSettings.from(reader, null);
        assertEquals(List.of("KAFKA_BOOTSTRAP_SERVERS is required"), reader.problems());
    }

    @Test
    void known_keys_are_every_key_the_parser_reads_on_every_branch() {
        assertEquals(List.of("A", "B", "C"), List.copyOf(EnvReader.knownKeys(r -> {
            if (r.string("A", null) == null) {
                r.string("B", null);
            } else {
                r.required("C");
            }
        }, List.of(Map.of(), Map.of("A", "x")))));
    }
}
