package dev.metricsstream.collector.footprint;

import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Not a test: the other side of a footprint measurement. Starts one simulated 110-pod kubelet and a single-node
 * broker in this JVM and writes the environment a separately started {@code CollectorMain} needs into
 * {@code <dir>/collector.env}, so the collector's own process can be measured alone (RSS, CPU time per scrape).
 * {@code java -cp <test classpath> dev.metricsstream.collector.footprint.FootprintHarness <dir> [pods]}
 */
public final class FootprintHarness {
    private FootprintHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int pods = args.length > 1 ? Integer.parseInt(args[1]) : 110;
        Files.createDirectories(dir);
        KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(pods).token("footprint").build()
                .start();
        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), "footprint");
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20))
                .setConfigProp("auto.create.topics.enable", "false").build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(java.util.List.of(Topics.defaults().kubeletScrapes().newTopic(1, (short) 1))).all()
                    .get();
        }
        SimNode node = sim.nodes().get(0);
        Files.writeString(dir.resolve("collector.env"), String.join("\n",
                "NODE_NAME=" + node.name(),
                "KUBELET_URL=" + node.baseUrl(),
                "KUBELET_CA_FILE=" + ca,
                "TOKEN_FILE=" + token,
                "METADATA_SOURCE=kubelet",
                "KAFKA_BOOTSTRAP_SERVERS=" + cluster.bootstrapServers(),
                "OPS_PORT=18081",
                "OPS_HOST=127.0.0.1") + "\n");
        System.out.println("ready " + dir.resolve("collector.env"));
        new CountDownLatch(1).await();
    }
}
