package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No service's configuration shows a Kafka credential when printed: not its {@code toString()} (the gateway's used
 * to be a record's, printing {@code KAFKA_SASL_JAAS_CONFIG}) and not what its start-up log line prints (the
 * collector's {@code describe()}, the aggregator's {@code toString()}; the gateway's names no Kafka setting).
 */
class SecretsNeverPrintedTest {

    static final String SECRET = "s3cr3t-value";

    static Map<String, String> envWithKafkaCredentials() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093");
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"u\" password=\"" + SECRET + "\";");
        env.put("KAFKA_SSL_KEYSTORE_PASSWORD", SECRET);
        env.put("KAFKA_SSL_KEY_PASSWORD", SECRET);
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", SECRET);
        return env;
    }

    @Test
    void no_config_prints_a_kafka_credential() {
        Map<String, String> collectorEnv = envWithKafkaCredentials();
        collectorEnv.putAll(Map.of("KUBELET_TARGETS", "n=https://127.0.0.1:10250", "KUBELET_INSECURE_TLS", "true",
                "METADATA_SOURCE", "none", "TOKEN_FILE", "none"));
        CollectorConfig collector = CollectorConfig.from(collectorEnv);
        AggregatorConfig aggregator = AggregatorConfig.from(envWithKafkaCredentials());
        GatewayConfig gateway = GatewayConfig.from(envWithKafkaCredentials());

        for (String printed : List.of(collector.toString(), collector.describe(), aggregator.toString(),
                gateway.toString())) {
            assertFalse(printed.contains(SECRET), printed);
            assertTrue(printed.contains("sasl.jaas.config=[hidden]"), printed);
            assertTrue(printed.contains("security.protocol=SASL_SSL"), "the other settings still show: " + printed);
        }
        assertTrue(gateway.kafka().clientProperties().get("sasl.jaas.config").toString().contains(SECRET),
                "the client still gets it");
    }
}
