package dev.metricsstream.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.combined.CombinedConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --combined-heap}: one JVM, each service still configured as in a separate run. */
class CombinedRunTest {

    @Test
    void the_flag_asks_for_one_jvm_with_that_heap() {
        assertFalse(FleetOptions.parse(new String[0]).combined());
        FleetOptions options = FleetOptions.parse(new String[] {"--combined-heap", "256m"});
        assertTrue(options.combined());
        assertEquals("256m", options.combinedHeap());
    }

    @Test
    void each_service_gets_in_the_combined_process_what_it_gets_alone() {
        Map<String, String> aggregator = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "STATE_DIR", "/tmp/a",
                "TOPIC_PARTITIONS", "6", "LOG_FORMAT", "text", "MALLOC_ARENA_MAX", "2");
        Map<String, String> gateway = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "HTTP_PORT", "18080",
                "HTTPS_PORT", "18443", "AUTH_MODE", "off", "LOG_FORMAT", "text", "MALLOC_ARENA_MAX", "2");
        Map<String, String> env = FleetBenchMain.combinedEnv(aggregator, gateway);
        assertEquals("text", env.get("LOG_FORMAT"));
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
        assertFalse(env.containsKey("AGGREGATOR_LOG_FORMAT") || env.containsKey("GATEWAY_MALLOC_ARENA_MAX"));
        CombinedConfig config = CombinedConfig.from(env);
        assertEquals(java.nio.file.Path.of("/tmp/a"), config.aggregator().stateDir());
        assertEquals(6, config.aggregator().topicPartitions());
        assertEquals(18080, config.gateway().httpPort());
        assertEquals(18443, config.gateway().httpsPort());
        assertEquals("127.0.0.1:9", config.gateway().kafka().bootstrapServers());
    }
}
