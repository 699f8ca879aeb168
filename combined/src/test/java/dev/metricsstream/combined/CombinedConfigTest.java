package dev.metricsstream.combined;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CombinedConfigTest {

    @Test
    void both_services_read_the_shared_variables() {
        CombinedConfig config = CombinedConfig.from(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "TOPIC_PREFIX", "prod-", "SCRAPE_RESOLUTION", "30s"));
        assertEquals("kafka:9092", config.aggregator().kafka().bootstrapServers());
        assertEquals("kafka:9092", config.gateway().kafka().bootstrapServers());
        assertEquals("prod-", config.aggregator().topicPrefix());
        assertEquals("prod-node-usage", config.gateway().topics().nodeUsage().name());
        assertEquals(Duration.ofSeconds(30), config.aggregator().scrapeResolution());
    }

    @Test
    void a_prefixed_variable_goes_to_its_service_only_and_wins() {
        CombinedConfig config = CombinedConfig.from(Map.of(
                "STALENESS_BOUND", "60s",
                "AGGREGATOR_STALENESS_BOUND", "90s",
                "GATEWAY_HTTP_PORT", "8080",
                "AGGREGATOR_STATE_DIR", "/var/lib/agg"));
        assertEquals(Duration.ofSeconds(90), config.aggregator().stalenessBound());
        assertEquals(Duration.ofSeconds(60), config.gateway().stalenessBound());
        assertEquals(8080, config.gateway().httpPort());
        assertEquals(Path.of("/var/lib/agg"), config.aggregator().stateDir());
        Map<String, String> gatewayEnv = CombinedConfig.gatewayEnv(Map.of("AGGREGATOR_STATE_DIR", "/var/lib/agg",
                "GATEWAY_HTTP_PORT", "8080"));
        assertFalse(gatewayEnv.containsKey("STATE_DIR"), gatewayEnv.toString());
        assertFalse(gatewayEnv.keySet().stream().anyMatch(k -> k.startsWith("AGGREGATOR_")), gatewayEnv.toString());
        assertEquals("8080", gatewayEnv.get("HTTP_PORT"));
    }

    @Test
    void the_aggregators_ops_port_is_off_unless_asked_for() {
        assertFalse(CombinedConfig.from(Map.of()).aggregator().ops().enabled());
        assertEquals(8099, CombinedConfig.from(Map.of("OPS_PORT", "8099")).aggregator().ops().port());
        assertEquals(8098, CombinedConfig.from(Map.of("OPS_PORT", "8099", "AGGREGATOR_OPS_PORT", "8098"))
                .aggregator().ops().port());
    }

    @Test
    void the_two_consumer_groups_never_share_a_name() {
        CombinedConfig defaults = CombinedConfig.from(Map.of());
        assertEquals(AggregatorConfig.DEFAULT_APPLICATION_ID, defaults.aggregator().applicationId());
        assertEquals("metrics-stream-gateway", defaults.gateway().applicationId());
        CombinedConfig renamed = CombinedConfig.from(Map.of("APPLICATION_ID", "team-a"));
        assertEquals("team-a", renamed.aggregator().applicationId());
        assertEquals("metrics-stream-gateway", renamed.gateway().applicationId());
        assertEquals("team-a-gw", CombinedConfig.from(Map.of("APPLICATION_ID", "team-a",
                "GATEWAY_APPLICATION_ID", "team-a-gw")).gateway().applicationId());
    }

    @Test
    void every_problem_of_both_services_is_reported_at_once_and_named_by_service() {
        ConfigException e = assertThrows(ConfigException.class, () -> CombinedConfig.from(Map.of(
                "AGGREGATOR_NUM_STREAM_THREADS", "zero", "GATEWAY_HTTPS_PORT", "70000")));
        List<String> problems = e.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("aggregator: ") && problems.get(0).contains("NUM_STREAM_THREADS"),
                problems.toString());
        assertTrue(problems.get(1).startsWith("gateway: ") && problems.get(1).contains("HTTPS_PORT"),
                problems.toString());
    }
}
