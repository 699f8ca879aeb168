package dev.metricsstream.deploy;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What each service reads from its environment, taken from the code: the config records' {@code knownKeys()}
 * (EnvReader's record of every key asked for), the {@code KAFKA_*} pass-through (a real Kafka client setting once
 * translated Strimzi-style), and the logging switches read by common's logback.xml.
 */
enum ServiceKeys {
    COLLECTOR("collector", CollectorConfig.knownKeys(), CollectorConfig::from,
            union(ProducerConfig.configNames())),
    AGGREGATOR("aggregator", AggregatorConfig.knownKeys(), AggregatorConfig::from,
            union(StreamsConfig.configDef().names(), ConsumerConfig.configNames(), ProducerConfig.configNames(),
                    AdminClientConfig.configNames())),
    GATEWAY("api-gateway", GatewayConfig.knownKeys(), GatewayConfig::from,
            union(StreamsConfig.configDef().names(), ConsumerConfig.configNames(), ProducerConfig.configNames(),
                    AdminClientConfig.configNames()));

    /** Read by common's logback.xml ({@code ${LOG_FORMAT:-json}}, {@code ${LOG_LEVEL:-INFO}}), not by a record. */
    static final Set<String> LOGGING_KEYS = Set.of("LOG_FORMAT", "LOG_LEVEL");

    /** Read by the JVM launcher and glibc in every image (JVM options, malloc arenas), not by our code. */
    static final Set<String> RUNTIME_KEYS = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "MALLOC_ARENA_MAX");

    final String module;
    final SortedSet<String> known;
    final Consumer<Map<String, String>> build;
    final Set<String> kafkaSettings;

    ServiceKeys(String module, SortedSet<String> known, java.util.function.Function<Map<String, String>, ?> from,
            Set<String> kafkaSettings) {
        this.module = module;
        this.known = known;
        this.build = from::apply;
        this.kafkaSettings = kafkaSettings;
    }

    /** The service whose image (or Dockerfile target) is named {@code ...<module>:tag} or {@code <module>}. */
    static ServiceKeys forImage(String image) {
        for (ServiceKeys s : values()) {
            if (image.equals(s.module) || image.matches(".*/" + s.module + "(:.*)?")) {
                return s;
            }
        }
        return null;
    }

    /** Whether the code reads this variable (own key, logging, JVM/libc, or a real Kafka setting). */
    boolean reads(String key) {
        return known.contains(key) || LOGGING_KEYS.contains(key) || RUNTIME_KEYS.contains(key) || isKafkaSetting(key);
    }

    boolean isKafkaSetting(String key) {
        if (!key.startsWith("KAFKA_")) {
            return false;
        }
        String property = key.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return kafkaSettings.contains(property);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
