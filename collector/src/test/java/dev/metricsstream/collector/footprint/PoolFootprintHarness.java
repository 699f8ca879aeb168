package dev.metricsstream.collector.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.collector.pool.FakeListWatchServer;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Not a test: the other side of a pool-replica footprint measurement. Starts {@code nodes} simulated kubelets with
 * {@code pods} pods each, a fake apiserver listing them as Nodes (InternalIP + kubelet port) and their pods, and a
 * single-node broker, then writes the environment of ONE pool replica scraping the whole fleet
 * ({@code TARGET_SOURCE=cluster}, {@code METADATA_SOURCE=apiserver}) into {@code <dir>/collector.env}.
 * {@code java -cp <test classpath> dev.metricsstream.collector.footprint.PoolFootprintHarness <dir> [nodes] [pods]}
 */
public final class PoolFootprintHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PoolFootprintHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int pods = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Files.createDirectories(dir);
        KubeletSimulator sim = KubeletSimulator.builder().nodes(nodes).podsPerNode(pods).token("footprint").build()
                .start();
        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), "footprint");
        FakeListWatchServer api = new FakeListWatchServer("/api/v1/nodes", "/api/v1/pods");
        List<String> nodeJson = new ArrayList<>();
        List<String> podJson = new ArrayList<>();
        for (SimNode node : sim.nodes()) {
            nodeJson.add(FakeListWatchServer.node(node.name(), "5", node.port(), "InternalIP",
                    URI.create(node.baseUrl()).getHost()));
            for (SimPod pod : node.pods()) {
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("namespace", pod.namespace());
                meta.put("name", pod.name());
                meta.put("uid", pod.uid());
                meta.put("resourceVersion", "7");
                meta.put("labels", pod.labels());
                podJson.add(JSON.writeValueAsString(Map.of("kind", "Pod", "apiVersion", "v1", "metadata", meta,
                        "spec", Map.of("nodeName", node.name(), "containers", List.of(Map.of("name", "app",
                                "image", "example/app:1"))), "status", Map.of("phase", pod.phase().wireName()))));
            }
        }
        api.list("/api/v1/nodes", "NodeList", "10", nodeJson);
        api.list("/api/v1/pods", "PodList", "10", podJson);
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20))
                .setConfigProp("auto.create.topics.enable", "false").build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(Topics.defaults().kubeletScrapes().newTopic(3, (short) 1))).all().get();
        }
        Files.writeString(dir.resolve("collector.env"), String.join("\n",
                "TARGET_SOURCE=cluster",
                "POOL_REPLICAS=1",
                "APISERVER_URL=" + api.url(),
                "KUBELET_CA_FILE=" + ca,
                "TOKEN_FILE=" + token,
                "METADATA_SOURCE=apiserver",
                "KAFKA_BOOTSTRAP_SERVERS=" + cluster.bootstrapServers(),
                "OPS_PORT=18082",
                "OPS_HOST=127.0.0.1") + "\n");
        System.out.println("ready " + dir.resolve("collector.env"));
        new CountDownLatch(1).await();
    }
}
