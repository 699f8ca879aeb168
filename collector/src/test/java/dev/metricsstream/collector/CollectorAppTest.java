package dev.metricsstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.ops.ServiceMain;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the user can fix are one {@link ServiceMain.CannotStart} each, not a stack trace. */
class CollectorAppTest {
    @TempDir
    Path dir;

    /** A collector that can start without a kubelet or a broker, plus the given names and values. */
    private static Map<String, String> env(String... namesAndValues) {
        return ConfigEnv.plus(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "KUBELET_TARGETS", "node-a=https://127.0.0.1:1", "KUBELET_INSECURE_TLS", "true",
                "TOKEN_FILE", "none", "METADATA_SOURCE", "none", "OPS_HOST", "127.0.0.1", "OPS_PORT", "-1"),
                namesAndValues);
    }

    private static CollectorApp start(Map<String, String> env) {
        return CollectorApp.start(CollectorConfig.from(env), CollectorApp.Deps.production()
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    @Test
    void a_taken_ops_port_is_a_start_the_user_can_fix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = env("OPS_PORT", Integer.toString(taken.getLocalPort()));

            ServiceMain.CannotStart e = assertThrows(ServiceMain.CannotStart.class, () -> start(env));

            assertEquals("port_in_use", e.reason());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void a_kubelet_ca_file_without_a_certificate_is_a_start_the_user_can_fix() throws Exception {
        Map<String, String> env = env("KUBELET_INSECURE_TLS", "false",
                "KUBELET_CA_FILE", Files.writeString(dir.resolve("ca.crt"), "not a certificate").toString());

        ServiceMain.CannotStart e = assertThrows(ServiceMain.CannotStart.class, () -> start(env));

        assertEquals("invalid_ca", e.reason());
        assertTrue(e.getMessage().startsWith("cannot use KUBELET_CA_FILE " + dir.resolve("ca.crt")), e.getMessage());
    }

    @Test
    void close_is_idempotent() {
        CollectorApp app = start(env());
        app.close();
        app.close();
        assertEquals(-1, app.opsPort());
    }
}
