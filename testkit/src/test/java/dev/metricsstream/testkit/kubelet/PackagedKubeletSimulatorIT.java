package dev.metricsstream.testkit.kubelet;

import static org.awaitility.Awaitility.await;

import dev.metricsstream.testkit.process.PackagedProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet simulator as its image runs it: a separate JVM on the module jar and its runtime classpath only. */
class PackagedKubeletSimulatorIT {

    @TempDir
    Path outDir;

    @Test
    void logs_its_start_up_line_as_json_from_the_runtime_classpath() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Map<String, String> env = Map.of("NODES", "1", "PODS_PER_NODE", "2", "BASE_PORT", Integer.toString(port),
                "BIND_ADDRESS", "127.0.0.1", "OUT_DIR", outDir.toString());
        try (PackagedProcess simulator = PackagedProcess.start(KubeletSimulatorMain.class.getName(), env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> simulator.hasLoggedOrFailed("nodes listening"));
            simulator.assertLoggedAsJson("nodes listening");
        }
    }
}
