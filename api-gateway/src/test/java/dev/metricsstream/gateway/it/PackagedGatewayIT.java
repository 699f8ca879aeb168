package dev.metricsstream.gateway.it;

import static org.awaitility.Awaitility.await;

import dev.metricsstream.gateway.GatewayMain;
import dev.metricsstream.testkit.process.PackagedProcess;
import java.nio.file.Path;
import java.time.Duration;
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
}
