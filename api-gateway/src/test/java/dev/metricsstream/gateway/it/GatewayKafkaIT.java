package dev.metricsstream.gateway.it;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.nodeUsage;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.store.GatewayStore;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.support.GatewayOnBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import io.kubernetes.client.Metrics;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as deployed: GatewayApp reading the aggregator's node-usage and window topics on a real broker into
 * its in-memory view, answering over HTTPS on loopback. Records are produced here as the aggregator would write them.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayKafkaIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    final GatewayOnBroker gateway = new GatewayOnBroker("gateway-it-");

    private void startGateway(Path dir) throws Exception {
        startGateway(dir, WindowSink.NONE);
    }

    private void startGateway(Path dir, WindowSink windowSink) throws Exception {
        gateway.start(dir, windowSink);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return gateway.get(path, "application/vnd.kubernetes.protobuf, */*");
    }

    private static List<String> names(String body) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode item : MAPPER.readTree(body).get("items")) {
            names.add(item.at("/metadata/name").asText());
        }
        return names;
    }

    /**
     * node-1 with {@code pods} pods in shop (web-000, db-001, ...) and other/web-x, as one node-usage record, plus
     * node-2 without pods.
     */
    private void produce(int pods, long timestampMillis) {
        List<PodMetrics> list = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            String app = i % 2 == 0 ? "web" : "db";
            String name = String.format("%s-%03d", app, i);
            list.add(pod("shop", name, "node-1", Map.of("app", app), timestampMillis,
                    container("main", 10_000_000L + i, 64L * 1024 * 1024)));
        }
        list.add(pod("other", "web-x", "node-1", Map.of("app", "web"), timestampMillis, container("main", 1L, 1024L)));
        send("node-1", nodeUsage("node-1", node("node-1", timestampMillis, 2_000_000_000L, 8L * 1024 * 1024 * 1024), 0,
                list.toArray(PodMetrics[]::new)));
    }

    private void send(String key, NodeUsage value) {
        try (KafkaProducer<String, NodeUsage> producer = gateway.broker().newProducer(gateway.topics().nodeUsage())) {
            producer.send(new ProducerRecord<>(gateway.topics().nodeUsage().name(), key, value));
            producer.flush();
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
        // whether a request lands before the restore ends is a race (GatewayNotReadyIT holds the store unrestored
        // for certain); what may never happen is an answer other than 503 before the whole list
        assertTrue(codesBeforeData.stream().allMatch(code -> code == 503), codesBeforeData.toString());
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
                .setBasePath(gateway.httpsBase())
                .setCertificateAuthority(gateway.tls().certificatePem().getBytes(StandardCharsets.US_ASCII))
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

        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> raw = gateway.broker().newProducer(new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(gateway.topics().nodeUsage().name(), "node-garbage",
                    new byte[] {0x0, 0x1, 0x2}));
            raw.flush();
        }
        // node-1's next scrape no longer has web-000: it disappears with the node's new record
        send("node-1", nodeUsage("node-1", now, pod("shop", "db-001", "node-1", Map.of("app", "db"), now,
                container("main", 1L, 1024L)), pod("other", "web-x", "node-1", Map.of("app", "web"), now,
                container("main", 1L, 1024L))));

        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods").body()),
                List.of("db-001")::equals);
        assertEquals(404, get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-000").statusCode());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("metrics_stream_gateway_records_dropped_total{reason=\"bad-header\",topic=\""
                + gateway.topics().nodeUsage().name() + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_store_entries{store=\"pods\"} 2.0"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_newest_sample_age_seconds{kind=\"pod\"}"), metrics);
        assertTrue(metrics.contains("metrics_stream_gateway_newest_sample_age_seconds{kind=\"node\"}"), metrics);
    }

    @Test
    void keeps_serving_what_it_has_while_kafka_is_away(@TempDir Path dir) throws Exception {
        assumeTrue(gateway.broker().supportsRestart(), "needs a broker that can be stopped and restarted (in-process)");
        produce(4, System.currentTimeMillis() - 1_000);
        startGateway(dir);
        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);

        gateway.broker().stop();
        try {
            assertEquals(5, names(get("/apis/metrics.k8s.io/v1beta1/pods").body()).size());
            assertEquals(200, get("/readyz").statusCode());
        } finally {
            gateway.broker().restart();
        }
        produce(6, System.currentTimeMillis());
        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/pods").body()).size() == 7);
    }

    @Test
    void after_a_restart_each_node_is_served_from_its_last_record_and_a_node_tombstone_removes_its_pods(
            @TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        send("node-1", nodeUsage("node-1", now - 30_000, pod("shop", "old-a", "node-1", Map.of(), now - 30_000,
                container("main", 1L, 1L)), pod("shop", "old-b", "node-1", Map.of(), now - 30_000, container("main", 1L, 1L))));
        send("node-1", nodeUsage("node-1", now - 15_000, pod("shop", "new-a", "node-1", Map.of(), now - 15_000,
                container("main", 1L, 1L))));
        send("node-2", nodeUsage("node-2", now - 15_000, pod("shop", "gone", "node-2", Map.of(), now - 15_000,
                container("main", 1L, 1L))));
        send("node-2", null);
        startGateway(dir);
        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);

        assertEquals(List.of("new-a"), names(get("/apis/metrics.k8s.io/v1beta1/pods").body()));
        assertEquals(List.of("node-1"), names(get("/apis/metrics.k8s.io/v1beta1/nodes").body()));

        send("node-1", null);
        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/pods").body()), List.of()::equals);
        assertEquals(List.of(), names(get("/apis/metrics.k8s.io/v1beta1/nodes").body()));
        assertEquals(404, get("/apis/metrics.k8s.io/v1beta1/nodes/node-1").statusCode());
    }

    @Test
    void without_a_configured_bound_samples_older_than_three_resolutions_the_data_carries_are_not_served(
            @TempDir Path dir) throws Exception {
        long twentySecondsAgo = System.currentTimeMillis() - 20_000;
        PodMetrics web = pod("shop", "web-0", "node-1", Map.of(), twentySecondsAgo, container("main", 1L, 1L));
        NodeMetrics sample = node("node-1", twentySecondsAgo, 1L, 1L);
        send("node-1", nodeUsage("node-1", sample, 0, web)); // no resolution carried: the 45 s default applies
        startGateway(dir);
        await().atMost(DEADLINE).until(() -> get("/readyz").statusCode() == 200);
        assertEquals(List.of("web-0"), names(get("/apis/metrics.k8s.io/v1beta1/pods").body()));

        send("node-1", nodeUsage("node-1", sample, 5_000, web)); // 5 s resolution: bound 15 s < 20 s

        await().atMost(DEADLINE).until(() -> names(get("/apis/metrics.k8s.io/v1beta1/pods").body()), List.of()::equals);
        assertEquals(404, get("/apis/metrics.k8s.io/v1beta1/nodes/node-1").statusCode());
    }

    @Test
    void window_records_since_the_lookback_reach_the_window_sink_and_the_newest_per_size_is_exposed(
            @TempDir Path dir) throws Exception {
        long now = System.currentTimeMillis();
        long minute = 60_000;
        long end = now - now % minute;
        MetricsWindow ancient = podWindow("shop", "web-0", "node-1", minute, end - 10 * minute);
        MetricsWindow previous = podWindow("shop", "web-0", "node-1", minute, end - minute);
        MetricsWindow latest = podWindow("shop", "web-0", "node-1", minute, end);
        latest.setCpuCoresMax(0.75);
        try (KafkaProducer<String, MetricsWindow> producer =
                gateway.broker().newProducer(gateway.topics().podMetricsWindows())) {
            String topic = gateway.topics().podMetricsWindows().name();
            long beforeLookback = now - GatewayStore.DEFAULT_WINDOW_LOOKBACK.toMillis() - 60_000;
            producer.send(new ProducerRecord<>(topic, null, beforeLookback, "shop/web-0@60000@" + ancient.getWindowStartMillis(), ancient));
            producer.send(new ProducerRecord<>(topic, null, now - 5_000, "shop/web-0@60000@" + previous.getWindowStartMillis(), previous));
            producer.send(new ProducerRecord<>(topic, null, now, "shop/web-0@60000@" + latest.getWindowStartMillis(), latest));
            producer.flush();
        }
        List<Long> sunk = new CopyOnWriteArrayList<>();
        startGateway(dir, window -> sunk.add(window.getWindowEndMillis()));

        await().atMost(DEADLINE).until(() -> sunk, List.of(end - minute, end)::equals);
        String usage = get("/metrics/usage").body();
        assertTrue(usage.lines().anyMatch(("metrics_stream_pod_window_cpu_usage_cores{namespace=\"shop\",pod=\"web-0\","
                + "node=\"node-1\",window=\"1m\",stat=\"max\"} 0.75")::equals), usage);
        assertTrue(usage.lines().anyMatch(("metrics_stream_pod_window_end_timestamp_seconds{namespace=\"shop\","
                + "pod=\"web-0\",node=\"node-1\",window=\"1m\"} " + end / 1000)::equals), usage);
        assertEquals(1, usage.lines().filter(l -> l.startsWith("metrics_stream_pod_window_cpu_usage_cores{")
                && l.contains("stat=\"max\"")).count(), usage);
    }
}
