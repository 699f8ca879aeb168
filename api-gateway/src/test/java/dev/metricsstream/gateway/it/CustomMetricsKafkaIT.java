package dev.metricsstream.gateway.it;

import static dev.metricsstream.gateway.support.JsonAnswers.json;
import static dev.metricsstream.gateway.support.JsonAnswers.texts;
import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.nodeUsage;
import static dev.metricsstream.gateway.support.Samples.nodeWindow;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.support.GatewayOnBroker;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * custom.metrics.k8s.io and external.metrics.k8s.io of the gateway as deployed (GatewayApp on a real broker),
 * asked exactly as the HPA controller asks: values equal the window and usage records produced here.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CustomMetricsKafkaIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long FIVE_MINUTES = 300_000;
    private static final long HOUR = 3_600_000;

    @RegisterExtension
    final GatewayOnBroker gateway = new GatewayOnBroker("gateway-cm-it-");

    private void startGateway(Path dir) throws Exception {
        gateway.start(dir, WindowSink.NONE);
    }

    /** As the HPA controller's REST client asks: protobuf preferred, JSON accepted. */
    private HttpResponse<String> hpaGet(String path) throws Exception {
        return gateway.get(path, "application/vnd.kubernetes.protobuf, application/json");
    }

    private JsonNode items(String path) throws Exception {
        return json(hpaGet(path), 200).get("items");
    }

    private <V> void send(Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, V> producer = gateway.broker().newProducer(topic)) {
            producer.send(new ProducerRecord<>(topic.name(), null, System.currentTimeMillis(), key, value));
            producer.flush();
        }
    }

    private static MetricsWindow webWindow(int i, long size, long end) {
        MetricsWindow w = podWindow("shop", "web-" + i, "node-1", size, end);
        w.setCpuCoresAvg(0.1 * (i + 1));
        w.setCpuCoresP95(0.15 * (i + 1));
        w.setMemoryBytesMax((64L << 20) * (i + 1));
        return w;
    }

    @Test
    void the_hpa_controllers_requests_are_answered_with_the_produced_windows_and_samples(@TempDir Path dir)
            throws Exception {
        long now = System.currentTimeMillis();
        long end = now - now % FIVE_MINUTES;
        List<PodMetrics> pods = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pods.add(pod("shop", "web-" + i, "node-1", Map.of("app", "web"), now - 2_000,
                    container("main", 10_000_000L * (i + 1), 32L << 20)));
        }
        pods.add(pod("shop", "db-0", "node-1", Map.of("app", "db"), now - 2_000, container("main", 900_000_000L,
                1L << 30)));
        send(gateway.topics().nodeUsage(), "node-1",
                nodeUsage("node-1", node("node-1", now - 2_000, 2_000_000_000L, 8L << 30), 0,
                        pods.toArray(PodMetrics[]::new)));
        for (int i = 0; i < 3; i++) {
            send(gateway.topics().podMetricsWindows(), "shop/web-" + i + "@300000@" + (end - FIVE_MINUTES),
                    webWindow(i, FIVE_MINUTES, end));
        }
        MetricsWindow db = podWindow("shop", "db-0", "node-1", FIVE_MINUTES, end);
        db.setCpuCoresAvg(1.0);
        send(gateway.topics().podMetricsWindows(), "shop/db-0@300000@" + (end - FIVE_MINUTES), db);
        MetricsWindow nodeWindow = nodeWindow("node-1", FIVE_MINUTES, end);
        nodeWindow.setCpuCoresMax(2.5);
        send(gateway.topics().nodeMetricsWindows(), "node-1@300000@" + (end - FIVE_MINUTES), nodeWindow);
        startGateway(dir);

        String custom = "/apis/custom.metrics.k8s.io/v1beta2";
        // Pods metric: GET namespaces/NS/pods/*/METRIC?labelSelector=… (no metricLabelSelector when the HPA's is empty)
        await().atMost(DEADLINE).until(() -> hpaGet(custom + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector="
                + "app%3Dweb").body().contains("web-2"));
        JsonNode web = items(custom + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector=app%3Dweb");
        assertEquals(List.of("web-0", "web-1", "web-2"), texts(web, "/describedObject/name"));
        assertEquals(List.of("100m", "200m", "300m"), texts(web, "/value"));
        assertEquals(Instant.ofEpochMilli(end).toString(), web.get(0).get("timestamp").asText());
        assertEquals(300, web.get(0).get("windowSeconds").asInt());
        assertEquals(List.of("150m", "300m", "450m"), texts(items(custom
                + "/namespaces/shop/pods/*/cpu_usage_p95_5m?labelSelector=app+in+%28web%29"), "/value"));
        assertEquals(List.of("64Mi", "128Mi", "192Mi"), texts(items("/apis/custom.metrics.k8s.io/v1beta1"
                + "/namespaces/shop/pods/*/memory_working_set_max_5m?labelSelector=app%3Dweb"), "/value"));
        // Object metric on the namespace: GET namespaces/NS/metrics/METRIC, exactly one item
        assertEquals(List.of("1600m"), texts(items(custom + "/namespaces/shop/metrics/cpu_usage_avg_5m"), "/value"));
        await().atMost(DEADLINE).until(() -> hpaGet(custom + "/nodes/node-1/cpu_usage_max_5m").statusCode() == 200);
        assertEquals(List.of("2500m"), texts(items(custom + "/nodes/node-1/cpu_usage_max_5m"), "/value"));
        // a metricLabelSelector is refused with a Status, never ignored
        HttpResponse<String> withMetricLabels = hpaGet(custom + "/namespaces/shop/pods/*/cpu_usage_avg_5m?"
                + "labelSelector=app%3Dweb&metricLabelSelector=queue%3Dorders");
        assertEquals(400, withMetricLabels.statusCode());
        assertEquals("BadRequest", MAPPER.readTree(withMetricLabels.body()).get("reason").asText());

        // External metric: GET namespaces/NS/METRIC?labelSelector=<metric.selector>
        String external = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/";
        assertEquals(List.of("600m"), texts(items(external + "cpu_usage_avg_5m_sum?labelSelector=app%3Dweb"),
                "/value"));
        assertEquals(List.of("192Mi"), texts(items(external + "memory_working_set_max_5m_max?labelSelector="
                + "app%3Dweb"), "/value"));
        assertEquals(List.of("60m"), texts(items(external + "cpu_usage_sum?labelSelector=app%3Dweb"), "/value"));
        assertEquals(List.of("96Mi"), texts(items(external + "memory_working_set_sum?labelSelector=app%3Dweb"),
                "/value"));

        // a 1h window that has not closed yet is absent; once produced, it is served
        HttpResponse<String> absent = hpaGet(custom + "/namespaces/shop/pods/web-0/cpu_usage_avg_1h");
        assertEquals(404, absent.statusCode(), absent.body());
        assertEquals("NotFound", MAPPER.readTree(absent.body()).get("reason").asText());
        assertTrue(items(custom + "/namespaces/shop/pods/*/cpu_usage_avg_1h").isEmpty());
        long hourEnd = now - now % HOUR;
        send(gateway.topics().podMetricsWindows(), "shop/web-0@3600000@" + (hourEnd - HOUR),
                webWindow(0, HOUR, hourEnd));
        await().atMost(DEADLINE).until(() -> hpaGet(custom + "/namespaces/shop/pods/web-0/cpu_usage_avg_1h")
                .statusCode() == 200);
        JsonNode hour = items(custom + "/namespaces/shop/pods/web-0/cpu_usage_avg_1h");
        assertEquals(List.of("100m"), texts(hour, "/value"));
        assertEquals(3600, hour.get(0).get("windowSeconds").asInt());
    }
}
