package dev.metricsstream.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.gateway.GatewayMain;
import dev.metricsstream.testkit.process.PackagedProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway as its image runs it: a separate JVM on the module jar and its runtime classpath only. */
class PackagedGatewayIT {

    @TempDir
    Path stateDir;

    @Test
    void logs_its_start_up_line_as_json_from_the_runtime_classpath() {
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", // it serves (503 until restored) before Kafka answers
                "STATE_DIR", stateDir.toString(),
                "BIND_ADDRESS", "127.0.0.1",
                "HTTPS_PORT", "0",
                "AUTH_MODE", "off");
        try (PackagedProcess gateway = PackagedProcess.start(GatewayMain.class.getName(), env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.hasLoggedOrFailed("gateway serving"));
            gateway.assertLoggedAsJson("gateway serving");
        }
    }

    @Test
    void a_port_in_use_ends_it_with_one_clear_line_and_exit_code_2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Map<String, String> env = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                    "STATE_DIR", stateDir.toString(),
                    "BIND_ADDRESS", "127.0.0.1",
                    "HTTPS_PORT", Integer.toString(port),
                    "AUTH_MODE", "off",
                    "LOG_FORMAT", "text");
            try (PackagedProcess gateway = PackagedProcess.start(GatewayMain.class.getName(), env)) {
                int exit = gateway.awaitExit(Duration.ofSeconds(60));

                List<String> lines = gateway.outputLines();
                assertEquals(1, lines.size(), gateway.toString());
                assertTrue(lines.get(0).contains("ERROR") && lines.get(0).contains("HTTPS_PORT " + port
                        + " on 127.0.0.1 is already in use"), lines.get(0));
                assertEquals(2, exit, gateway.toString());
            }
        }
    }
}
