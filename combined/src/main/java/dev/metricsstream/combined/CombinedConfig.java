package dev.metricsstream.combined;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.gateway.GatewayConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings of the combined process: the aggregator's and the gateway's, read from one environment. Each service
 * reads the variables it reads when it runs alone; a variable prefixed {@code AGGREGATOR_} or {@code GATEWAY_} is
 * given to that service only, without the prefix, and wins over the unprefixed one (so {@code KAFKA_FETCH_MIN_BYTES}
 * tunes both services' consumers, {@code AGGREGATOR_KAFKA_FETCH_MIN_BYTES} only the aggregator's). Two defaults
 * differ from the services run alone: the aggregator's ops port is off ({@code OPS_PORT} -1), because the gateway's
 * ports serve the process's {@code /metrics} and probes; and the gateway's {@code APPLICATION_ID} stays its own even
 * when {@code APPLICATION_ID} is set (two consumer groups must not share a name), unless {@code GATEWAY_APPLICATION_ID}
 * is.
 */
public record CombinedConfig(AggregatorConfig aggregator, GatewayConfig gateway) {
    static final String AGGREGATOR_PREFIX = "AGGREGATOR_";
    static final String GATEWAY_PREFIX = "GATEWAY_";

    /** Reads and validates both services' settings; one ConfigException lists every problem of both. */
    public static CombinedConfig from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        AggregatorConfig aggregator = read("aggregator", aggregatorEnv(env), AggregatorConfig::from, problems);
        GatewayConfig gateway = read("gateway", gatewayEnv(env), GatewayConfig::from, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new CombinedConfig(aggregator, gateway);
    }

    /** The environment the aggregator reads: the process's, the {@code AGGREGATOR_} overrides, no ops port. */
    static Map<String, String> aggregatorEnv(Map<String, String> env) {
        Map<String, String> own = serviceEnv(env, AGGREGATOR_PREFIX, GATEWAY_PREFIX);
        own.putIfAbsent("OPS_PORT", "-1");
        return own;
    }

    /** The environment the gateway reads: the process's, the {@code GATEWAY_} overrides, its own application id. */
    static Map<String, String> gatewayEnv(Map<String, String> env) {
        Map<String, String> own = serviceEnv(env, GATEWAY_PREFIX, AGGREGATOR_PREFIX);
        if (!env.containsKey(GATEWAY_PREFIX + "APPLICATION_ID")) {
            own.remove("APPLICATION_ID");
        }
        return own;
    }

    private static Map<String, String> serviceEnv(Map<String, String> env, String own, String other) {
        Map<String, String> result = new HashMap<>();
        env.forEach((key, value) -> {
            if (!key.startsWith(own) && !key.startsWith(other)) {
                result.put(key, value);
            }
        });
        env.forEach((key, value) -> {
            if (key.startsWith(own) && key.length() > own.length()) {
                result.put(key.substring(own.length()), value);
            }
        });
        return result;
    }

    private static <C> C read(String service, Map<String, String> env, Function<Map<String, String>, C> from,
            List<String> problems) {
        try {
            return from.apply(env);
        } catch (ConfigException e) {
            e.problems().forEach(problem -> problems.add(service + ": " + problem));
            return null;
        }
    }
}
