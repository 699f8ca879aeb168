package dev.metricsstream.schemas;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, how its keys and values are (de)serialized, and the topic configuration it is meant to have
 * ({@code cleanup.policy}, {@code retention.ms}), so whoever creates or validates topics uses the same intent.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("illegal Kafka topic name '" + name
                    + "': use 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'");
        }
        configs = Map.copyOf(configs);
    }

    /** True for a compacted topic (latest value per key; a null value is a tombstone). */
    public boolean compacted() {
        return configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                .contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** The intended retention, if the topic deletes by time. */
    public Optional<Long> retentionMillis() {
        return Optional.ofNullable(configs.get(TopicConfig.RETENTION_MS_CONFIG)).map(Long::valueOf);
    }

    /** An admin-client request creating this topic with its intended configuration. */
    public NewTopic newTopic(int partitions, short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    @Override
    public String toString() {
        return "Topic[" + name + " " + configs + "]";
    }
}
