package dev.metricsstream.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaults_serve_https_on_8443_with_a_45_second_staleness_bound() {
        GatewayConfig config = GatewayConfig.from(Map.of());

        assertEquals("localhost:9092", config.kafka().bootstrapServers());
        assertEquals(8443, config.httpsPort());
        assertEquals(0, config.httpPort());
        assertNull(config.tlsCertDir());
        assertEquals(Duration.ofSeconds(45), config.stalenessBound());
        assertFalse(config.stalenessBoundConfigured(), "unset: derived from the resolution the data carries");
        assertEquals(List.of("v1beta1", "v1"), config.versionsPreferredFirst());
        assertEquals("node-usage", config.topics().nodeUsage().name());
    }

    @Test
    void reads_every_setting_and_passes_other_kafka_variables_through() {
        GatewayConfig config = GatewayConfig.from(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), Map.entry("KAFKA_SECURITY_PROTOCOL", "SSL"),
                Map.entry("TOPIC_PREFIX", "prod."), Map.entry("APPLICATION_ID", "gw"), Map.entry("STATE_DIR", "/var/gw"),
                Map.entry("HTTPS_PORT", "9443"), Map.entry("HTTP_PORT", "8080"), Map.entry("TLS_CERT_DIR", "/certs"),
                Map.entry("STALENESS_BOUND", "1m"), Map.entry("PREFERRED_VERSION", "v1"),
                Map.entry("POD_NAMESPACE", "monitoring")));

        assertEquals(Map.of("security.protocol", "SSL"), config.kafka().settings());
        assertEquals("prod.pod-metrics-windows", config.topics().podMetricsWindows().name());
        assertEquals(Path.of("/certs"), config.tlsCertDir());
        assertEquals(8080, config.httpPort());
        assertEquals(Duration.ofMinutes(1), config.stalenessBound());
        assertTrue(config.stalenessBoundConfigured());
        assertEquals(List.of("v1", "v1beta1"), config.versionsPreferredFirst());
        assertEquals("monitoring", config.podNamespace());
    }

    @Test
    void reports_every_problem_at_once() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.from(Map.of(
                "HTTPS_PORT", "99999", "STALENESS_BOUND", "soon", "PREFERRED_VERSION", "v2", "TOPIC_PREFIX", "bad prefix!")));

        assertEquals(4, e.problems().size(), e.problems().toString());
    }
}
