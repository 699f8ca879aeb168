package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --kafka HOST:PORT --kubelet URL --token-file F --kubelet-ca C}: no embedded broker, no simulator of its
 * own. The "real kubelet" is a simulator node started by the test (it cannot be a real one here) and the Kafka is the
 * test kit's broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ExistingKafkaAndKubeletIT {
    static final String TOKEN = "kubelet-reader-token";

    @TempDir
    Path tmp;

    @Test
    void an_existing_kafka_and_a_given_kubelet_are_used_instead_of_the_embedded_ones(KafkaBroker broker)
            throws Exception {
        try (KubeletSimulator kubelet = KubeletSimulator.builder().nodes(2).podsPerNode(8).seed(3).token(TOKEN)
                .build().start()) {
            SimNode node = kubelet.nodes().get(1);
            Path token = Files.writeString(tmp.resolve("token"), TOKEN);
            Path ca = kubelet.writeCaCertificatePem(tmp.resolve("ca.crt"));
            int httpPort = Standalone.freePort();
            String[] args = {"--work-dir", tmp.resolve("work").toString(), "--kafka", broker.bootstrapServers(),
                "--kubelet", node.baseUrl(), "--node-name", node.name(), "--token-file", token.toString(),
                "--kubelet-ca", ca.toString(), "--https-port", Integer.toString(Standalone.freePort()),
                "--http-port", Integer.toString(httpPort), "--resolution", "10s"};
            ByteArrayOutputStream console = new ByteArrayOutputStream();

            StandaloneMain.Launch launch = StandaloneMain.launch(args, new PrintStream(console, true,
                    StandardCharsets.UTF_8), System.err, Duration.ofSeconds(1));

            assertNotNull(launch.running(), console.toString(StandardCharsets.UTF_8));
            try (Standalone running = launch.running()) {
                String printed = console.toString(StandardCharsets.UTF_8);
                assertTrue(printed.contains("using Kafka at " + broker.bootstrapServers()), printed);
                assertNull(running.clusterId(), "no embedded broker");
                assertNull(running.simulator(), "no simulator of its own");
                assertEquals(broker.bootstrapServers(), running.bootstrapServers());
                Set<String> expected = node.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING)
                        .map(p -> p.namespace() + "/" + p.name()).collect(Collectors.toCollection(TreeSet::new));
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> expected.equals(servedPods(http, httpPort)));
                // the node's own rate can come one scrape after its pods': each series is sampled on its own 10 s grid
                // (as cAdvisor's housekeeping), and a scrape that sees the node's previous sample again gives the
                // node no rate that round, exactly as metrics-server does
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> get(http, httpPort, "/apis/metrics.k8s.io/v1beta1/nodes").get("items").size() > 0);
                JsonNode nodes = get(http, httpPort, "/apis/metrics.k8s.io/v1beta1/nodes");
                assertEquals(1, nodes.get("items").size(), nodes.toString());
                assertEquals(node.name(), nodes.get("items").get(0).get("metadata").get("name").asText());
            }
        }
    }

    @Test
    void a_kubelet_ca_that_does_not_match_is_said_plainly_before_the_banner(KafkaBroker broker) throws Exception {
        try (KubeletSimulator kubelet = KubeletSimulator.builder().nodes(1).podsPerNode(2).seed(4).token(TOKEN)
                .build().start();
             KubeletSimulator other = KubeletSimulator.builder().nodes(1).podsPerNode(1).seed(5).build()) {
            SimNode node = kubelet.nodes().get(0);
            Path token = Files.writeString(tmp.resolve("token"), TOKEN);
            Path wrongCa = other.writeCaCertificatePem(tmp.resolve("other-ca.crt")); // signed nothing kubelet serves
            String[] args = {"--work-dir", tmp.resolve("work").toString(), "--kafka", broker.bootstrapServers(),
                "--kubelet", node.baseUrl(), "--node-name", node.name(), "--token-file", token.toString(),
                "--kubelet-ca", wrongCa.toString(), "--https-port", Integer.toString(Standalone.freePort()),
                "--http-port", "0", "--resolution", "10s"};
            ByteArrayOutputStream console = new ByteArrayOutputStream();

            StandaloneMain.Launch launch = StandaloneMain.launch(args, new PrintStream(console, true,
                    StandardCharsets.UTF_8), System.err, Duration.ofSeconds(90));

            assertNotNull(launch.running(), console.toString(StandardCharsets.UTF_8));
            try (Standalone running = launch.running()) {
                String printed = console.toString(StandardCharsets.UTF_8);
                int problem = printed.indexOf("NO KUBELET COULD BE VERIFIED");
                int banner = printed.indexOf("metrics-stream standalone is running");
                assertTrue(problem >= 0 && problem < banner, printed);
                String line = printed.substring(problem, printed.indexOf('\n', problem));
                assertTrue(line.contains("--kubelet-ca " + wrongCa) && line.contains("Give --kubelet-ca the CA that "
                        + "signed the kubelets' serving certificates"), line);
                assertTrue(printed.contains("!! no kubelet could be verified"), printed);
                assertFalse(printed.contains("no rates yet after"), "said as soon as known: " + printed);
            }
        }
    }

    private static Set<String> servedPods(HttpClient http, int port) throws Exception {
        Set<String> pods = new TreeSet<>();
        for (JsonNode item : get(http, port, "/apis/metrics.k8s.io/v1beta1/pods").get("items")) {
            pods.add(item.get("metadata").get("namespace").asText() + "/" + item.get("metadata").get("name").asText());
        }
        return pods;
    }

    private static JsonNode get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body());
    }
}
