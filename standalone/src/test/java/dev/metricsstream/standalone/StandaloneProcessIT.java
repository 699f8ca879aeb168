package dev.metricsstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
