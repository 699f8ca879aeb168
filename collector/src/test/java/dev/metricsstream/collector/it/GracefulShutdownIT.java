package dev.metricsstream.collector.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.CollectorMain;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to the collector process: the scrape in flight is finished and published before the process exits. */
@ExtendWith(KafkaBrokerExtension.class)
class GracefulShutdownIT {
    private final KafkaBroker broker;
    @TempDir
    Path dir;

    GracefulShutdownIT(KafkaBroker broker) {
        this.broker = broker;
    }

    @Test
    void sigterm_during_a_slow_scrape_finishes_and_publishes_it_before_exiting() throws Exception {
        Topics topics = broker.createUniqueTopics(1);
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(10)
                .token(CollectorFixture.TOKEN).build().start()) {
            SimNode node = sim.nodes().get(0);
            node.setResponseDelay(Duration.ofSeconds(2));
            Map<String, String> env = CollectorFixture.env(sim, broker, topics, dir);
            env.put("NODE_NAME", node.name());
            env.put("KUBELET_URL", node.baseUrl());
            env.remove("KUBELET_TARGETS");
            env.put("SCRAPE_RESOLUTION", "60s"); // one scrape in this test's lifetime
            env.put("LOG_FORMAT", "text");
            Path log = dir.resolve("collector.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    CollectorMain.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process collector = builder.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> node.requestCount("/metrics/resource") >= 1);

                collector.destroy(); // SIGTERM while the kubelet is still answering

                assertTrue(collector.waitFor(30, TimeUnit.SECONDS), "the collector exits after SIGTERM");
            } finally {
                collector.destroyForcibly();
            }
            String output = Files.readString(log);
            assertTrue(output.contains("collector stopped; 1 scrapes sent, 0 dropped, 0 left unsent"), output);
            List<ConsumerRecord<String, NodeScrape>> records = broker.readAtLeast(topics.kubeletScrapes(), 1,
                    Duration.ofSeconds(30));
            assertEquals(1, records.size());
            assertEquals(node.name(), records.get(0).key());
        }
    }

}
