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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the user can fix are one {@link ServiceMain.CannotStart} each, not a stack trace. */
class CollectorAppTest {
    @TempDir
    Path dir;

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        env.put("KUBELET_TARGETS", "node-a=https://127.0.0.1:1");
        env.put("KUBELET_INSECURE_TLS", "true");
        env.put("TOKEN_FILE", "none");
        env.put("METADATA_SOURCE", "none");
        env.put("OPS_HOST", "127.0.0.1");
        env.put("OPS_PORT", "-1");
        return env;
    }

    private static CollectorApp start(Map<String, String> env) {
        return CollectorApp.start(CollectorConfig.from(env), CollectorApp.Deps.production()
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    @Test
    void a_taken_ops_port_is_a_start_the_user_can_fix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = env();
            env.put("OPS_PORT", Integer.toString(taken.getLocalPort()));

            ServiceMain.CannotStart e = assertThrows(ServiceMain.CannotStart.class, () -> start(env));

            assertEquals("port_in_use", e.reason());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void a_kubelet_ca_file_without_a_certificate_is_a_start_the_user_can_fix() throws Exception {
        Map<String, String> env = env();
        env.remove("KUBELET_INSECURE_TLS");
        env.put("KUBELET_CA_FILE", Files.writeString(dir.resolve("ca.crt"), "not a certificate").toString());

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
