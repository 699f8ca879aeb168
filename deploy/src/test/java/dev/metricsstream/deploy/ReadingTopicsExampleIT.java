package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the README's consumer example against a real broker with records encoded by the schemas module. */
@ExtendWith(KafkaBrokerExtension.class)
class ReadingTopicsExampleIT {

    @Test
    void the_readme_example_decodes_pod_metrics_and_tombstones_from_a_real_broker(KafkaBroker broker)
            throws Exception {
        Topics topics = broker.createUniqueTopics(1);
        Topic<String, PodMetrics> topic = topics.podMetrics();
        PodMetrics pod = PodMetrics.newBuilder().setNamespace("shop").setName("web-1").setNodeName("node-a")
                .setLabels(Map.of("app", "web")).setTimestampMillis(1_700_000_000_000L).setWindowNanos(15_000_000_000L)
                .setContainers(List.of(
                        ContainerMetrics.newBuilder().setName("app").setCpuNanocores(250_000_000L)
                                .setMemoryWorkingSetBytes(100L * 1024 * 1024).build(),
                        ContainerMetrics.newBuilder().setName("sidecar").setCpuNanocores(5_000_000L)
                                .setMemoryWorkingSetBytes(20L * 1024 * 1024).build()))
                .build();
        try (KafkaProducer<String, PodMetrics> producer = broker.newProducer(topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "shop/web-1", pod)).get();
            producer.send(new ProducerRecord<>(topic.name(), "shop/old-1", null)).get();
        }

        List<String> lines = new CopyOnWriteArrayList<>();
        for (int attempt = 0; attempt < 10 && lines.size() < 2; attempt++) { // group join can take a few polls
            ReadingTopicsExample.printPodMetrics(broker.bootstrapServers(), topics.prefix(), 5, lines::add);
        }
        assertEquals(List.of("shop/web-1 on node-a: 255m CPU, 120 MiB", "shop/old-1 deleted"), lines);
    }

    @Test
    void the_readme_shows_the_example_verbatim() throws Exception {
        String source = Files.readString(Repo.file(
                "deploy/src/test/java/dev/metricsstream/deploy/ReadingTopicsExample.java"));
        String example = source.substring(source.indexOf("// README-BEGIN\n") + "// README-BEGIN\n".length(),
                source.indexOf("    // README-END"));
        String readme = Repo.read("README.md");
        String unindented = example.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce("", (a, b) -> a + b + "\n");
        assertTrue(readme.contains(unindented), "README.md's 'Reading the topics' must contain, verbatim:\n"
                + unindented);
    }
}
