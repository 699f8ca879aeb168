package dev.metricsstream.testkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings the fixture hands out: what every test of a pipeline would otherwise write by hand. */
class PipelineFixtureTest {
    @TempDir
    Path dir;

    private PipelineFixture pipeline(String prefix) {
        return PipelineFixture.of("127.0.0.1:9092", Topics.withPrefix(prefix), dir);
    }

    @Test
    void a_collector_scrapes_every_node_trusting_the_simulators_ca_with_its_token() throws Exception {
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(2).podsPerNode(1).token("t0ken").build()
                .start()) {
            Map<String, String> env = pipeline("it.a.").collector(sim).env();

            assertEquals(sim.nodes().get(0).name() + "=" + sim.nodes().get(0).baseUrl() + ","
                    + sim.nodes().get(1).name() + "=" + sim.nodes().get(1).baseUrl(), env.get("KUBELET_TARGETS"));
            assertEquals(sim.caCertificatePem(), Files.readString(Path.of(env.get("KUBELET_CA_FILE"))));
            assertEquals("t0ken", Files.readString(Path.of(env.get("TOKEN_FILE"))));
            assertEquals("127.0.0.1:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"));
            assertEquals("it.a.", env.get("TOPIC_PREFIX"));
            assertEquals("kubelet", env.get("METADATA_SOURCE"));
            assertEquals("-1", env.get("OPS_PORT"));
        }
    }

    @Test
    void one_node_and_a_source_per_collector_and_each_simulator_its_own_files() throws Exception {
        try (KubeletSimulator first = KubeletSimulator.builder().nodes(2).podsPerNode(1).token("one").build().start();
             KubeletSimulator second = KubeletSimulator.builder().nodes(1).podsPerNode(1).token("two").build()
                     .start()) {
            PipelineFixture pipeline = pipeline("it.b.");
            SimNode node = first.nodes().get(1);

            Map<String, String> one = pipeline.collector(first).node(node).kubeletSource("stats-summary").env();
            Map<String, String> again = pipeline.collector(first).env();
            Map<String, String> two = pipeline.collector(second).env();

            assertEquals(node.name() + "=" + node.baseUrl(), one.get("KUBELET_TARGETS"));
            assertEquals("stats-summary", one.get("KUBELET_SOURCE"));
            assertFalse(again.containsKey("KUBELET_SOURCE"), "a setting of one collector is not another's");
            assertEquals(one.get("TOKEN_FILE"), again.get("TOKEN_FILE"), "written once per simulator");
            assertNotEquals(one.get("TOKEN_FILE"), two.get("TOKEN_FILE"));
            assertEquals("one", Files.readString(Path.of(one.get("TOKEN_FILE"))));
            assertEquals("two", Files.readString(Path.of(two.get("TOKEN_FILE"))));
            assertEquals(second.caCertificatePem(), Files.readString(Path.of(two.get("KUBELET_CA_FILE"))));
        }
    }

    @Test
    void aggregator_and_gateway_get_ids_of_their_own_topics_and_state_under_the_folder() {
        PipelineFixture pipeline = pipeline("it.c.");

        Map<String, String> aggregator = pipeline.aggregator().commitInterval(Duration.ofMillis(100)).env();
        Map<String, String> gateway = pipeline.gateway().tlsCertDir(dir.resolve("certs")).env();

        assertEquals("aggregator-itc", aggregator.get("APPLICATION_ID"));
        assertEquals("gateway-itc", gateway.get("APPLICATION_ID"));
        assertTrue(Path.of(aggregator.get("STATE_DIR")).startsWith(dir), aggregator.get("STATE_DIR"));
        assertNotEquals(aggregator.get("STATE_DIR"), gateway.get("STATE_DIR"));
        assertEquals("100ms", aggregator.get("COMMIT_INTERVAL"));
        assertEquals("10m", aggregator.get("STALENESS_BOUND"));
        assertEquals(dir.resolve("certs").toString(), gateway.get("TLS_CERT_DIR"));
        assertEquals("0", gateway.get("HTTPS_PORT"));
        assertEquals("off", gateway.get("AUTH_MODE"));
        assertFalse(pipeline.aggregator().env().containsKey("COMMIT_INTERVAL"), "each call starts from the defaults");
    }

    @Test
    void a_handed_out_map_is_the_callers_to_change() {
        PipelineFixture.AggregatorSettings settings = pipeline("it.d.").aggregator();
        Map<String, String> env = settings.env();

        env.put("WINDOW_GRACE", "1m");

        assertFalse(settings.env().containsKey("WINDOW_GRACE"));
    }
}
