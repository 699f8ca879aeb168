package dev.metricsstream.combined;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.process.PackagedProcess;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.kubernetes.client.custom.Quantity;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The combined process as its image runs it (a separate JVM on the module jar and its runtime classpath) on a real
 * broker: scrapes in, the metrics API out of the same process, one {@code /metrics} with both services' series and
 * the JVM's once, probes that include the aggregator.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CombinedMainIT {
    private static final long CORE_SECOND = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void serves_the_rates_it_computes_and_one_metrics_page_for_both_services(KafkaBroker broker) throws Exception {
        String prefix = broker.uniqueTopicName("combined") + "-";
        int httpPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", prefix);
        env.put("APPLICATION_ID", prefix + "aggregator");
        env.put("GATEWAY_APPLICATION_ID", prefix + "gateway");
        env.put("AGGREGATOR_STATE_DIR", dir.resolve("state").toString());
        env.put("TOPIC_PARTITIONS", "2");
        env.put("TOPIC_REPLICATION_FACTOR", "1");
        env.put("STALENESS_BOUND", "10m");
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("HTTPS_PORT", Integer.toString(freePort()));
        env.put("GATEWAY_HTTP_PORT", Integer.toString(httpPort));
        env.put("AUTH_MODE", "off");
        String base = "http://127.0.0.1:" + httpPort;
        Topics topics = Topics.withPrefix(prefix);
        try (PackagedProcess combined = PackagedProcess.start(CombinedMain.class.getName(), env)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                    !combined.isAlive() || status(base + "/readyz") == 200);
            assertTrue(combined.isAlive(), "exited:\n" + combined);
            String ready = get(base + "/readyz?verbose").body();
            assertTrue(ready.contains("[+]aggregator ok"), ready);
            assertTrue(get(base + "/livez?verbose").body().contains("[+]aggregator ok"));

            long t0 = System.currentTimeMillis() - 30_000;
            try (KafkaProducer<String, NodeScrape> producer = broker.newProducer(topics.kubeletScrapes())) {
                for (NodeScrape scrape : List.of(
                        scrape("node-a", t0, 100 * CORE_SECOND, 40 * CORE_SECOND),
                        scrape("node-a", t0 + 10_000, 115 * CORE_SECOND, 45 * CORE_SECOND))) {
                    producer.send(new ProducerRecord<>(topics.kubeletScrapes().name(), scrape.getNodeName(), scrape))
                            .get();
                }
            }
            // 5 core-seconds over 10 s for the pod's container: 0.5 cores; 15 over 10 s for the node: 1.5 cores
            String podUrl = base + "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-0";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    !combined.isAlive() || status(podUrl) == 200);
            JsonNode pod = JSON.readTree(get(podUrl).body());
            JsonNode container = pod.path("containers").path(0);
            assertEquals("app", container.path("name").asText(), pod.toString());
            assertEquals(0, new BigDecimal("0.5").compareTo(cpu(container.path("usage"))), pod.toString());
            assertEquals("metrics.k8s.io/v1beta1", pod.path("apiVersion").asText());
            String nodeUrl = base + "/apis/metrics.k8s.io/v1beta1/nodes/node-a";
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    status(nodeUrl) == 200);
            assertEquals(0, new BigDecimal("1.5").compareTo(cpu(JSON.readTree(get(nodeUrl).body()).path("usage"))));

            String metrics = get(base + "/metrics").body();
            assertEquals(1, count(metrics, "^# TYPE jvm_memory_used_bytes "), "JVM metrics once");
            assertTrue(Pattern.compile("^metrics_stream_aggregator_scrapes_total\\{.*\\} [1-9]", Pattern.MULTILINE)
                    .matcher(metrics).find(), "the aggregator's counters are served:\n" + metrics);
            assertTrue(metrics.contains("\nmetrics_stream_gateway_"), "the gateway's own series are served");
            assertTrue(combined.isAlive(), combined.toString());
        }
    }

    private static BigDecimal cpu(JsonNode usage) {
        return new Quantity(usage.path("cpu").asText()).getNumber();
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static NodeScrape scrape(String node, long time, long nodeCpu, long podCpu) {
        ContainerSample container = ContainerSample.newBuilder().setName("app").setStartTimeMillis(time - 3_600_000)
                .setCumulativeCpuNanos(podCpu)
                .setCpuTimestampMillis(time).setMemoryWorkingSetBytes(64L << 20).setMemoryTimestampMillis(time)
                .build();
        PodSample pod = PodSample.newBuilder().setNamespace("shop").setName("web-0").setPhase("Running")
                .setLabels(Map.of("app", "web")).setContainers(List.of(container)).build();
        NodeSample nodeSample = NodeSample.newBuilder().setStartTimeMillis(time - 86_400_000)
                .setCumulativeCpuNanos(nodeCpu).setCpuTimestampMillis(time).setMemoryWorkingSetBytes(2L << 30)
                .setMemoryTimestampMillis(time).build();
        return NodeScrape.newBuilder().setNodeName(node).setScrapeTimeMillis(time).setSource(ScrapeSource.METRICS_RESOURCE)
                .setNode(nodeSample).setPods(new ArrayList<>(List.of(pod)))
                .setNodeInfo(NodeInfo.newBuilder().setLabels(Map.of("kubernetes.io/hostname", node)).build())
                .build();
    }

    private int status(String url) {
        try {
            return get(url).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
