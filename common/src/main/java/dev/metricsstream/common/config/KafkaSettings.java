package dev.metricsstream.common.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kafka client settings every service reads the same way: {@code KAFKA_BOOTSTRAP_SERVERS} and every other
 * {@code KAFKA_*} variable passed through Strimzi-style ({@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}).
 * Values that look like credentials are held as {@link Secret}s, so printing this record (or a config that holds it)
 * never shows them.
 *
 * @param bootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}
 * @param settings         every other pass-through property that is not a credential
 * @param secrets          the pass-through properties that are credentials ({@link #isSecret})
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> settings, Map<String, Secret> secrets) {
    public static final String PREFIX = "KAFKA_";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    private static final List<String> SECRET_WORDS = List.of("password", "jaas", "secret", "token", "key");

    public KafkaSettings {
        settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        secrets = Collections.unmodifiableMap(new TreeMap<>(secrets));
    }

    /**
     * Reads the {@code KAFKA_*} variables; {@code defaultBootstrapServers} null makes {@code KAFKA_BOOTSTRAP_SERVERS}
     * required (a missing one is reported with the reader's other problems).
     */
    public static KafkaSettings from(EnvReader reader, String defaultBootstrapServers) {
        String bootstrap = defaultBootstrapServers == null ? reader.required("KAFKA_BOOTSTRAP_SERVERS")
                : reader.string("KAFKA_BOOTSTRAP_SERVERS", defaultBootstrapServers);
        Map<String, String> settings = new TreeMap<>();
        Map<String, Secret> secrets = new TreeMap<>();
        reader.kafkaClientProperties(PREFIX, List.of("KAFKA_BOOTSTRAP_SERVERS")).forEach((property, value) -> {
            if (isSecret(property)) {
                secrets.put(property, new Secret(value));
            } else {
                settings.put(property, value);
            }
        });
        return new KafkaSettings(bootstrap, settings, secrets);
    }

    /** Whether a Kafka client property holds a credential (passwords, JAAS configuration, keys, tokens). */
    public static boolean isSecret(String property) {
        String lower = property.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /** Everything a Kafka client is given: bootstrap servers, pass-through settings and the revealed secrets. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> properties = new HashMap<>(settings);
        secrets.forEach((property, secret) -> properties.put(property, secret.reveal()));
        if (bootstrapServers != null) {
            properties.put(BOOTSTRAP_SERVERS, bootstrapServers);
        }
        return properties;
    }

    /** Every property, credentials shown as {@code [hidden]}, sorted (for start-up logs). */
    public Map<String, Object> shown() {
        Map<String, Object> shown = new TreeMap<>(settings);
        shown.putAll(secrets);
        if (bootstrapServers != null) {
            shown.put(BOOTSTRAP_SERVERS, bootstrapServers);
        }
        return shown;
    }

    @Override
    public String toString() {
        return shown().toString();
    }
}
