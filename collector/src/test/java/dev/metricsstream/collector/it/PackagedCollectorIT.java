package dev.metricsstream.collector.it;

import static org.awaitility.Awaitility.await;

import dev.metricsstream.collector.CollectorMain;
import dev.metricsstream.testkit.process.PackagedProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The collector as its image runs it: a separate JVM on the module jar and its runtime classpath only. */
class PackagedCollectorIT {

    @Test
    void logs_its_start_up_line_as_json_from_the_runtime_classpath() {
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", // nothing listens: the producer only retries
                "KUBELET_TARGETS", "node-a=https://127.0.0.1:1",
                "KUBELET_INSECURE_TLS", "true",
                "TOKEN_FILE", "none",
                "METADATA_SOURCE", "none",
                "OPS_HOST", "127.0.0.1",
                "OPS_PORT", "0");
        try (PackagedProcess collector = PackagedProcess.start(CollectorMain.class.getName(), env)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> collector.hasLoggedOrFailed("collector starting"));
            collector.assertLoggedAsJson("collector starting");
        }
    }
}
