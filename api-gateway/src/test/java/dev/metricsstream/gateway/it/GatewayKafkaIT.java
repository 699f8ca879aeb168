package dev.metricsstream.gateway.it;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.GatewayMain;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import io.kubernetes.client.Metrics;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as deployed: GatewayMain reading the aggregator's topics on a real broker into its global stores,
 * answering over HTTPS on loopback. Records are produced here as the aggregator would write them.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayKafkaIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    private final Topics topics;
    private GatewayMain gateway;
    private HttpClient http;
    private TlsMaterial tls;

    GatewayKafkaIT(KafkaBroker broker) {
        this.broker = broker;
        this.topics = broker.createUniqueTopics(1);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private void startGateway(Path dir) throws Exception {
        tls = TlsMaterial.selfSigned("metrics-stream-gateway", "it");
        tls.writeTo(dir.resolve("certs"));
        GatewayConfig config = GatewayConfig.fromEnv(Map.of(
                "AUTH_MODE", "off",
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "TOPIC_PREFIX", topics.prefix(),
                "APPLICATION_ID", "gateway-it-" + topics.prefix().replace(".", ""),
                "STATE_DIR", dir.resolve("state").toString(),
                "BIND_ADDRESS", "127.0.0.1",
                "HTTPS_PORT", "0",
                "TLS_CERT_DIR", dir.resolve("certs").toString()));
        gateway = GatewayMain.start(config);
        http = HttpClient.newBuilder().sslContext(TestGateway.trusting(tls)).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.server().httpsPort() + path))
                .header("Accept", "application/vnd.kubernetes.protobuf, */*").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(String body) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode item : MAPPER.readTree(body).get("items")) {
            names.add(item.at("/metadata/name").asText());
        }
        return names;
    }

    private void produce(int pods, long timestampMillis) {
        try (KafkaProducer<String, NodeMetrics> nodes = broker.newProducer(topics.nodeMetrics());
             KafkaProducer<String, PodMetrics> podProducer = broker.newProducer(topics.podMetrics())) {
            nodes.send(new ProducerRecord<>(topics.nodeMetrics().name(), "node-1",
                    node("node-1", timestampMillis, 2_000_000_000L, 8L * 1024 * 1024 * 1024)));
            for (int i = 0; i < pods; i++) {
                String app = i % 2 == 0 ? "web" : "db";
                String name = String.format("%s-%03d", app, i);
                podProducer.send(new ProducerRecord<>(topics.podMetrics().name(), "shop/" + name,
                        pod("shop", name, "node-1", Map.of("app", app), timestampMillis,
                                container("main", 10_000_000L + i, 64L * 1024 * 1024))));
            }
            podProducer.send(new ProducerRecord<>(topics.podMetrics().name(), "other/web-x",
                    pod("other", "web-x", "node-1", Map.of("app", "web"), timestampMillis, container("main", 1L, 1024L))));
            nodes.flush();
            podProducer.flush();
        }
    }

    @Test
    void until_its_store_is_restored_the_api_answers_503_and_never_an_empty_or_partial_list(@TempDir Path dir)
            throws Exception {
        produce(200, System.currentTimeMillis() - 5_000);
        startGateway(dir);

        List<Integer> codesBeforeData = new ArrayList<>();
        AtomicReference<HttpResponse<String>> first200 = new AtomicReference<>();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> {
            HttpResponse<String> answer = get("/apis/metrics.k8s.io/v1/pods");
            if (answer.statusCode() == 200) {
                first200.set(answer);
                return true;
            }
            codesBeforeData.add(answer.statusCode());
            JsonNode status = MAPPER.readTree(answer.body());
            assertEquals("ServiceUnavailable", status.get("reason").asText(), answer.body());
            return false;
        });
        assertFalse(codesBeforeData.isEmpty(), "the first request came before the store was restored");
        assertEquals(Set.of(503), Set.copyOf(codesBeforeData));
        assertEquals(201, names(first200.get().body()).size(), "the first list served is the whole list");
    }

    @Test
    void once_ready_every_record_present_at_start_is_served_and_the_hpa_query_returns_exactly_the_matching_pods(
            @TempDir Path dir) throws Exception {
        produce(200, System.currentTimeMillis() - 5_000);
        startGateway(dir);

        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);
        // ready means caught up with the end offsets seen at start: no further wait needed
        List<String> web = names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb").body());
        assertEquals(100, web.size());
        assertTrue(web.stream().allMatch(name -> name.startsWith("web-")), web.toString());
        assertEquals(web.stream().sorted().toList(), web);
        assertEquals(201, names(get("/apis/metrics.k8s.io/v1/pods").body()).size());
        assertEquals(List.of("node-1"), names(get("/apis/metrics.k8s.io/v1beta1/nodes").body()));

        PodMetricsList viaClientJava = new Metrics(new ClientBuilder()
                .setBasePath("https://localhost:" + gateway.server().httpsPort())
                .setCertificateAuthority(tls.certificatePem().getBytes(StandardCharsets.US_ASCII))
                .setAuthentication(new AccessTokenAuthentication("token")).build()).getPodMetrics("shop", "app=db");
        assertEquals(100, viaClientJava.getItems().size());
    }

    @Test
    void tombstones_remove_pods_and_bad_records_are_counted_without_stopping_the_feed(@TempDir Path dir)
            throws Exception {
        produce(2, System.currentTimeMillis() - 2_000);
        startGateway(dir);
        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);
        assertEquals(List.of("db-001", "web-000"), names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods").body()));

        try (KafkaProducer<String, byte[]> raw = broker.newProducer(new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topics.podMetrics().name(), "shop/garbage", new byte[] {0x0, 0x1, 0x2}));
            raw.send(new ProducerRecord<>(topics.podMetrics().name(), "shop/web-000", null));
            raw.flush();
        }

        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods").body()),
                List.of("db-001")::equals);
        assertEquals(404, get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-000").statusCode());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("metrics_stream_gateway_records_dropped_total{reason=\"bad-header\",topic=\""
                + topics.podMetrics().name() + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_store_entries{store=\"pods\"} 2.0"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_newest_sample_age_seconds{kind=\"pod\"}"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_newest_sample_age_seconds{kind=\"node\"}"), metrics);
    }

    @Test
    void keeps_serving_what_it_has_while_kafka_is_away(@TempDir Path dir) throws Exception {
        assumeTrue(broker.supportsRestart(), "needs a broker that can be stopped and restarted (in-process)");
        produce(4, System.currentTimeMillis() - 1_000);
        startGateway(dir);
        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);

        broker.stop();
        try {
            assertEquals(5, names(get("/apis/metrics.k8s.io/v1beta1/pods").body()).size());
            assertEquals(200, get("/readyz").statusCode());
        } finally {
            broker.restart();
        }
        produce(6, System.currentTimeMillis());
        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/pods").body()).size() == 7);
    }
}
