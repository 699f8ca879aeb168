package dev.metricsstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.bench.fleet.FleetOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetOptionsTest {

    @Test
    void flags_as_the_issue_writes_them_are_understood() {
        FleetOptions options = FleetOptions.parse(new String[] {"--nodes", "5000", "--pods-per-node", "30",
                "--resolution", "15s", "--duration", "3m", "--kafka", "localhost:9092", "--query-rate=5"});
        assertEquals(5000, options.nodes());
        assertEquals(30, options.podsPerNode());
        assertEquals(Duration.ofSeconds(15), options.resolution());
        assertEquals(Duration.ofMinutes(3), options.duration());
        assertEquals("localhost:9092", options.kafka());
        assertEquals(5.0, options.queryRate());
        assertEquals("fleet-5000n", options.scenario());
    }

    @Test
    void without_kafka_a_broker_is_started_and_defaults_apply() {
        FleetOptions options = FleetOptions.parse(new String[0]);
        assertNull(options.kafka());
        assertEquals(1000, options.nodes());
        assertEquals(16, options.probedNodes());
    }

    @Test
    void extra_aggregator_environment_is_split_on_semicolons_so_values_may_hold_commas() {
        FleetOptions options = FleetOptions.parse(new String[] {"--aggregator-env",
                "WINDOW_SIZES=1m,1h;NUM_STREAM_THREADS=2"});
        assertEquals(java.util.Map.of("WINDOW_SIZES", "1m,1h", "NUM_STREAM_THREADS", "2"), options.aggregatorEnv());
        assertEquals(java.util.Map.of(), options.gatewayEnv());
    }

    @Test
    void extra_gateway_environment_is_read_like_the_aggregator_one() {
        FleetOptions options = FleetOptions.parse(new String[] {"--gateway-env",
                "JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=g.jfr,settings=profile;LOG_FORMAT=json"});
        assertEquals(java.util.Map.of("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=g.jfr,settings=profile",
                "LOG_FORMAT", "json"), options.gatewayEnv());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FleetOptions.parse(new String[] {"--gateway-env", "nothing"}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--gateway-env wants KEY=VALUE"),
                e.getMessage());
    }

    @Test
    void jvm_flags_replace_the_g1_default_per_process() {
        FleetOptions options = FleetOptions.parse(new String[] {"--aggregator-jvm", " -XX:+UseSerialGC  -Xss256k "});
        assertEquals(java.util.List.of("-XX:+UseSerialGC", "-Xss256k"), options.aggregatorJvm());
        assertEquals(FleetOptions.DEFAULT_JVM, options.gatewayJvm());
        assertTrue(FleetOptions.DEFAULT_JVM.contains("-XX:+UseG1GC"), FleetOptions.DEFAULT_JVM.toString());
    }

    @Test
    void every_bad_flag_is_reported_at_once() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse(
                new String[] {"--nodes", "many", "--resolution", "soon", "--colour", "blue", "--duration"}));
        String message = e.getMessage();
        assertTrue(message.contains("--nodes must be a whole number"), message);
        assertTrue(message.contains("--resolution"), message);
        assertTrue(message.contains("unknown flag --colour"), message);
        assertTrue(message.contains("--duration needs a value"), message);
    }
}
