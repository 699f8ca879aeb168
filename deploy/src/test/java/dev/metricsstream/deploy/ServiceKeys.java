package dev.metricsstream.deploy;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.combined.CombinedConfig;
import dev.metricsstream.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * translated Strimzi-style), and the logging switches read by common's logback.xml. The combined image (aggregator
 * and gateway in one JVM) reads what both read, and each of those with the {@code AGGREGATOR_} or {@code GATEWAY_}
 * prefix that gives it to that service only ({@link CombinedConfig}).
 */
enum ServiceKeys {
    COLLECTOR("collector", CollectorConfig.knownKeys(), CollectorConfig::from,
            union(ProducerConfig.configNames())),
    AGGREGATOR("aggregator", AggregatorConfig.knownKeys(), AggregatorConfig::from,
            union(StreamsConfig.configDef().names(), ConsumerConfig.configNames(), ProducerConfig.configNames(),
                    AdminClientConfig.configNames())),
    GATEWAY("api-gateway", GatewayConfig.knownKeys(), GatewayConfig::from,
            union(StreamsConfig.configDef().names(), ConsumerConfig.configNames(), ProducerConfig.configNames(),
                    AdminClientConfig.configNames())),
    COMBINED("combined", combinedKeys(), CombinedConfig::from,
            union(StreamsConfig.configDef().names(), ConsumerConfig.configNames(), ProducerConfig.configNames(),
                    AdminClientConfig.configNames()));

    /** The combined image's prefixes: a variable so prefixed goes, without it, to that service only. */
    static final Map<String, ServiceKeys> COMBINED_PARTS = combinedParts();

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

    /**
     * The combined image's rows in README.md: the variables that mean something else there than in the service run
     * alone (the aggregator's ops port is off by default; APPLICATION_ID names the aggregator's group only, the
     * gateway's is GATEWAY_APPLICATION_ID). Everything else is documented once, in the aggregator's and the gateway's
     * tables, which the combined table links to.
     */
    static final Set<String> COMBINED_OWN = Set.of("OPS_PORT", "APPLICATION_ID", "GATEWAY_APPLICATION_ID");

    /** The variables README.md's table for this image must list: all it reads, for the combined image its own. */
    Set<String> documented() {
        return this == COMBINED ? COMBINED_OWN : known;
    }

    /** Whether the code reads this variable (own key, logging, JVM/libc, or a real Kafka setting). */
    boolean reads(String key) {
        return known.contains(key) || LOGGING_KEYS.contains(key) || RUNTIME_KEYS.contains(key) || isKafkaSetting(key);
    }

    boolean isKafkaSetting(String key) {
        if (this == COMBINED) {
            for (Map.Entry<String, ServiceKeys> part : COMBINED_PARTS.entrySet()) {
                if (key.startsWith(part.getKey())) {
                    return part.getValue().isKafkaSetting(key.substring(part.getKey().length()));
                }
            }
        }
        if (!key.startsWith("KAFKA_")) {
            return false;
        }
        String property = key.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return kafkaSettings.contains(property);
    }

    /**
     * What each service of a workload reads, by name: the workload itself, or for the combined image its aggregator
     * ({@code <name>/aggregator}) and its gateway ({@code <name>/api-gateway}), each with the environment that
     * service is given (see {@link CombinedConfig}: prefixed variables win, the aggregator's ops port is off, the
     * gateway keeps its own APPLICATION_ID).
     */
    Map<String, Map.Entry<ServiceKeys, Map<String, String>>> services(String name, Map<String, String> env) {
        Map<String, Map.Entry<ServiceKeys, Map<String, String>>> services = new LinkedHashMap<>();
        if (this != COMBINED) {
            services.put(name, Map.entry(this, env));
            return services;
        }
        for (Map.Entry<String, ServiceKeys> part : COMBINED_PARTS.entrySet()) {
            Map<String, String> own = new HashMap<>();
            env.forEach((key, value) -> {
                if (COMBINED_PARTS.keySet().stream().noneMatch(key::startsWith)) {
                    own.put(key, value);
                }
            });
            env.forEach((key, value) -> {
                if (key.startsWith(part.getKey()) && key.length() > part.getKey().length()) {
                    own.put(key.substring(part.getKey().length()), value);
                }
            });
            if (part.getValue() == AGGREGATOR) {
                own.putIfAbsent("OPS_PORT", "-1");
            } else if (!env.containsKey(part.getKey() + "APPLICATION_ID")) {
                own.remove("APPLICATION_ID");
            }
            services.put(name + "/" + part.getValue().module, Map.entry(part.getValue(), own));
        }
        return services;
    }

    private static Map<String, ServiceKeys> combinedParts() {
        Map<String, ServiceKeys> parts = new LinkedHashMap<>();
        parts.put("AGGREGATOR_", AGGREGATOR);
        parts.put("GATEWAY_", GATEWAY);
        return java.util.Collections.unmodifiableMap(parts);
    }

    /** Both services' keys, unprefixed (each service reads its own) and with the prefix of the service reading it. */
    private static SortedSet<String> combinedKeys() {
        SortedSet<String> keys = new TreeSet<>();
        keys.addAll(AggregatorConfig.knownKeys());
        keys.addAll(GatewayConfig.knownKeys());
        AggregatorConfig.knownKeys().forEach(key -> keys.add("AGGREGATOR_" + key));
        GatewayConfig.knownKeys().forEach(key -> keys.add("GATEWAY_" + key));
        return keys;
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
