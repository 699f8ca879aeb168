package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.testkit.process.PackagedProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code StandaloneMain} as {@code bin/metrics-stream up} runs it: its own JVM, so its shutdown hook runs too. */
class StandaloneProcessIT {

    @TempDir
    Path tmp;

    @Test
    void up_runs_from_its_runtime_classpath_to_the_banner_and_stops_on_sigterm() throws Exception {
        // bin/metrics-stream runs exactly this classpath: a dependency declared at test scope somewhere (client-java
        // here once) is missing at run time though every in-process test passes
        try (PackagedProcess up = PackagedProcess.start(StandaloneMain.class.getName(),
                Map.of("LOG_FORMAT", "text", "LOG_LEVEL", "WARN"),
                List.of("--work-dir", tmp.resolve("run").toString(), "--https-port", Integer.toString(freePort()),
                        "--http-port", Integer.toString(freePort()), "--nodes", "1", "--pods-per-node", "2",
                        "--resolution", "10s"))) {
            await().atMost(Duration.ofSeconds(150)).until(() -> up.stdout().contains("standalone is running")
                    || !up.isAlive());
            assertTrue(up.stdout().contains("standalone is running"), up.toString());
            assertFalse(up.stderr().contains("failed to start"), up.toString());
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void a_port_in_use_prints_exactly_one_line_and_exits_with_2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            try (PackagedProcess up = PackagedProcess.start(StandaloneMain.class.getName(),
                    Map.of("LOG_FORMAT", "text", "LOG_LEVEL", "WARN"),
                    List.of("--work-dir", tmp.resolve("w").toString(), "--https-port", Integer.toString(port),
                            "--http-port", "0"))) {
                int exit = up.awaitExit(Duration.ofSeconds(60));

                assertEquals(List.of("metrics-stream: port " + port + " (--https-port) is already in use; stop what "
                        + "uses it or choose another with --https-port"), up.outputLines(), up.toString());
                assertEquals(StandaloneMain.EXIT_USAGE, exit);
            }
        }
    }
}
