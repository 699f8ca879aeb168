package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.combined.CombinedConfig;
import dev.metricsstream.gateway.GatewayConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The combined image's entry: what it reads, and how its environment splits into its two services'. */
class ServiceKeysTest {

    @Test
    void the_combined_image_reads_both_services_keys_unprefixed_and_each_with_its_own_prefix() {
        ServiceKeys combined = ServiceKeys.forImage("ghcr.io/metrics-stream/combined:0.1.0");
        assertEquals(ServiceKeys.COMBINED, combined);
        for (String key : List.of("NUM_STANDBY_REPLICAS", "HTTPS_PORT", "STATE_DIR", "AGGREGATOR_NUM_STANDBY_REPLICAS",
                "GATEWAY_HTTPS_PORT", "GATEWAY_APPLICATION_ID", "AGGREGATOR_OPS_PORT", "KAFKA_FETCH_MIN_BYTES",
                "AGGREGATOR_KAFKA_FETCH_MIN_BYTES", "GATEWAY_KAFKA_SASL_JAAS_CONFIG", "LOG_LEVEL", "JAVA_TOOL_OPTIONS")) {
            assertTrue(combined.reads(key), key);
        }
        // a prefix gives a variable to a service that must read it; logging and JVM options are the process's
        for (String key : List.of("GATEWAY_NUM_STANDBY_REPLICAS", "AGGREGATOR_HTTPS_PORT", "AGGREGATOR_LOG_LEVEL",
                "GATEWAY_JAVA_TOOL_OPTIONS", "AGGREGATOR_KAFKA_BOOTSTRAP_SERVER", "AGGREGATOR_", "SCRAPE_INTERVAL",
                "GATEWAY_GATEWAY_HTTPS_PORT")) {
            assertFalse(combined.reads(key), key);
        }
        assertTrue(combined.known.containsAll(AggregatorConfig.knownKeys()));
        assertTrue(combined.known.containsAll(GatewayConfig.knownKeys()));
        // the service images are not mistaken for the combined one, nor the other way round
        assertEquals(ServiceKeys.AGGREGATOR, ServiceKeys.forImage("ghcr.io/metrics-stream/aggregator:0.1.0"));
        assertEquals(ServiceKeys.GATEWAY, ServiceKeys.forImage("api-gateway"));
        assertEquals(ServiceKeys.COMBINED, ServiceKeys.forImage("combined"));
    }

    @Test
    void the_split_environment_configures_each_service_as_the_combined_process_does() {
        for (Map<String, String> env : List.of(Map.<String, String>of(),
                Map.of("APPLICATION_ID", "team-a", "STALENESS_BOUND", "60s", "AGGREGATOR_STALENESS_BOUND", "90s",
                        "GATEWAY_HTTP_PORT", "8080", "KAFKA_FETCH_MIN_BYTES", "1",
                        "AGGREGATOR_KAFKA_FETCH_MIN_BYTES", "100000", "STATE_DIR", "/var/lib/metrics-stream/state"),
                Map.of("GATEWAY_APPLICATION_ID", "team-a-gw", "OPS_PORT", "8099", "AGGREGATOR_OPS_PORT", "8098"))) {
            Map<String, Map.Entry<ServiceKeys, Map<String, String>>> services =
                    ServiceKeys.COMBINED.services("combined", env);
            assertEquals(List.of("combined/aggregator", "combined/api-gateway"), List.copyOf(services.keySet()));
            CombinedConfig config = CombinedConfig.from(env);
            assertEquals(config.aggregator(), AggregatorConfig.from(services.get("combined/aggregator").getValue()),
                    env.toString());
            assertEquals(config.gateway(), GatewayConfig.from(services.get("combined/api-gateway").getValue()),
                    env.toString());
        }
        Map<String, String> env = Map.of("SCRAPE_RESOLUTION", "20s");
        assertEquals(Map.of("combined", Map.entry(ServiceKeys.AGGREGATOR, env)),
                ServiceKeys.AGGREGATOR.services("combined", env), "a plain service is itself");
    }
}
