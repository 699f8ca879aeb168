package dev.metricsstream.aggregator;

import static org.awaitility.Awaitility.await;

import dev.metricsstream.testkit.process.PackagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aggregator as its image runs it: a separate JVM on the module jar and its runtime classpath only. */
class PackagedAggregatorIT {

    @TempDir
    Path stateDir;

    @Test
    void logs_its_start_up_line_as_json_from_the_runtime_classpath() {
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", // the start-up line comes before the first Kafka call
                "STATE_DIR", stateDir.toString(),
                "OPS_HOST", "127.0.0.1",
                "OPS_PORT", "0");
        try (PackagedProcess aggregator = PackagedProcess.start(AggregatorMain.class.getName(), env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> aggregator.hasLoggedOrFailed("starting with"));
            aggregator.assertLoggedAsJson("starting with");
        }
    }
}
