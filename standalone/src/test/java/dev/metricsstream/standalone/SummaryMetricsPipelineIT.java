package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.ContainerSpec;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.NetworkTruth;
import dev.metricsstream.testkit.kubelet.PodSpec;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.pipeline.PipelineFixture;
import dev.metricsstream.testkit.pipeline.TruthCheck;
import dev.metricsstream.testkit.tls.TestPki;
import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The /stats/summary metrics through the whole pipeline on a real broker: simulated kubelets → collectors →
 * aggregator → gateway, in simulated time. Three nodes, each scraped by its own collector with another
 * {@code KUBELET_SOURCE}: {@code both}, {@code stats-summary} and {@code metrics-resource}. Network rates must equal
 * the simulator's truth within 1 %, RSS and ephemeral storage the kubelet's own summary, and the node scraped from
 * {@code /metrics/resource} alone must have none of them: absent, never zero. The services start as in every test of
 * this module ({@link SimulatedChain}'s starters, testkit's {@link PipelineFixture} settings).
 */
@ExtendWith(KafkaBrokerExtension.class)
class SummaryMetricsPipelineIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "summary-token";
    private static final String CUSTOM = "/apis/custom.metrics.k8s.io/v1beta2";
    private static final List<String> SOURCES = List.of("both", "stats-summary", "metrics-resource");

    @Test
    void summary_metrics_equal_the_simulators_truth_and_are_absent_where_the_summary_is_not_scraped(
            KafkaBroker broker, @TempDir Path dir) throws Exception {
        Topics topics = broker.createUniqueTopics(1);
        SimClock clock = SimClock.at(Instant.now().minusSeconds(60));
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(3).podsPerNode(4).seed(13).clock(clock)
                .token(TOKEN).wholeSecondSamples(true).build().start()) {
            for (int i = 0; i < 3; i++) {
                sim.nodes().get(i).addPod(PodSpec.builder("shop", "web-" + i).label("app", "web")
                        .container(ContainerSpec.of("nginx", "nginx:1.27", 100 + 50 * i, 128)).build());
            }
            PipelineFixture pipeline = PipelineFixture.of(broker, topics, dir);
            List<CollectorApp> collectors = new ArrayList<>();
            TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "summary");
            tls.writeTo(dir.resolve("certs"));
            try (AggregatorApp aggregator = SimulatedChain.startAggregator(
                         pipeline.aggregator().commitInterval(Duration.ofMillis(100)));
                 GatewayApp gateway = SimulatedChain.startGateway(pipeline.gateway().tlsCertDir(dir.resolve("certs")),
                         clock)) {
                for (int i = 0; i < 3; i++) {
                    collectors.add(SimulatedChain.startCollector(pipeline.collector(sim).node(sim.nodes().get(i))
                            .kubeletSource(SOURCES.get(i)), clock));
                }
                HttpClient http = HttpClient.newBuilder().sslContext(TestPki.trusting(tls.certificate())).build();
                String base = "https://localhost:" + gateway.httpsPort();

                clock.advance(Duration.ofSeconds(30));
                for (CollectorApp collector : collectors) {
                    collector.scrapeOnce();
                }
                clock.advance(Duration.ofSeconds(15));
                for (CollectorApp collector : collectors) {
                    collector.scrapeOnce();
                }

                // the HPA's Pods-metric request, as its REST client sends it
                String hpa = base + CUSTOM + "/namespaces/shop/pods/*/network_receive_bytes_per_second"
                        + "?labelSelector=app%3Dweb";
                await().atMost(WAIT).ignoreExceptions().until(() -> names(get(http, hpa)).size() == 2);
                JsonNode items = MAPPER.readTree(get(http, hpa).body()).get("items");
                assertEquals(List.of("web-0", "web-1"), names(get(http, hpa)),
                        "web-2's node is scraped from /metrics/resource only: absent, not zero");
                Map<String, NetworkTruth> truth = new HashMap<>();
                for (NetworkTruth t : sim.networkTruth()) {
                    truth.put(t.pod() == null ? t.node() : t.namespace() + "/" + t.pod(), t);
                }
                TruthCheck rates = TruthCheck.onePercent(0);
                for (JsonNode item : items) {
                    NetworkTruth t = truth.get("shop/" + item.at("/describedObject/name").asText());
                    rates.rate(item.toString(), served(item.get("value").asText()), t.receiveBytesPerSecond());
                    assertEquals("network_receive_bytes_per_second", item.at("/metric/name").asText());
                    assertTrue(item.get("windowSeconds").asLong() > 0, item.toString());
                }
                // every pod of the two summary nodes, both directions, and the nodes themselves
                int checked = 0;
                for (int i = 0; i < 2; i++) {
                    SimNode node = sim.nodes().get(i);
                    for (var pod : node.pods()) {
                        String key = pod.namespace() + "/" + pod.name();
                        HttpResponse<String> tx = get(http, base + CUSTOM + "/namespaces/" + pod.namespace()
                                + "/pods/" + pod.name() + "/network_transmit_bytes_per_second");
                        if (tx.statusCode() == 404) {
                            continue; // a simulated pod that is not running or not served yet
                        }
                        assertEquals(200, tx.statusCode(), tx.body());
                        rates.rate(key, served(value(tx)), truth.get(key).transmitBytesPerSecond());
                        checked++;
                    }
                    String nodeUrl = base + CUSTOM + "/nodes/" + node.name() + "/network_receive_bytes_per_second";
                    await().atMost(WAIT).until(() -> get(http, nodeUrl).statusCode() == 200);
                    rates.rate(node.name(), served(value(get(http, nodeUrl))),
                            truth.get(node.name()).receiveBytesPerSecond());
                }
                assertTrue(checked >= 4, "pods of both summary nodes were compared: " + checked);
                rates.assertNone("network rates off by more than 1 % of the simulator's truth");

                // RSS and ephemeral storage: what the kubelet's own summary says at this (simulated) moment
                for (int i = 0; i < 2; i++) {
                    JsonNode summary = summary(sim, sim.nodes().get(i));
                    for (JsonNode pod : summary.get("pods")) {
                        if (!pod.at("/podRef/name").asText().equals("web-" + i)) {
                            continue;
                        }
                        long rss = 0;
                        for (JsonNode c : pod.get("containers")) {
                            rss += c.at("/memory/rssBytes").asLong();
                        }
                        String podUrl = base + CUSTOM + "/namespaces/shop/pods/web-" + i + "/";
                        assertEquals(rss, bytes(value(get(http, podUrl + "memory_rss_bytes"))));
                        assertEquals(pod.at("/ephemeral-storage/usedBytes").asLong(),
                                bytes(value(get(http, podUrl + "ephemeral_storage_used_bytes"))));
                    }
                    assertEquals(summary.at("/node/fs/usedBytes").asLong(), bytes(value(get(http, base + CUSTOM
                            + "/nodes/" + sim.nodes().get(i).name() + "/ephemeral_storage_used_bytes"))));
                }

                // absent, never zero, where only /metrics/resource is scraped, although the pod and node are served
                String plainNode = sim.nodes().get(2).name();
                assertEquals(200, get(http, base + "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-2")
                        .statusCode(), "web-2 itself is served");
                for (String metric : List.of("network_receive_bytes_per_second", "network_transmit_bytes_per_second",
                        "memory_rss_bytes", "ephemeral_storage_used_bytes")) {
                    HttpResponse<String> pod = get(http, base + CUSTOM + "/namespaces/shop/pods/web-2/" + metric);
                    assertEquals(404, pod.statusCode(), pod.body());
                    assertEquals("NotFound", MAPPER.readTree(pod.body()).get("reason").asText());
                    assertEquals(404, get(http, base + CUSTOM + "/nodes/" + plainNode + "/" + metric).statusCode());
                }
                // the external sum over the web pods is the sum over the two that have a rate
                JsonNode sum = MAPPER.readTree(get(http, base + "/apis/external.metrics.k8s.io/v1beta1/namespaces/"
                        + "shop/network_receive_bytes_per_second_sum?labelSelector=app%3Dweb").body());
                TruthCheck external = TruthCheck.onePercent(0);
                external.rate(sum.toString(), served(sum.at("/items/0/value").asText()),
                        truth.get("shop/web-0").receiveBytesPerSecond() + truth.get("shop/web-1").receiveBytesPerSecond());
                external.assertNone("the external sum off by more than 1 % of the simulator's truth");
            } finally {
                for (CollectorApp collector : collectors) {
                    collector.close();
                }
            }
        }
    }

    private static double served(String quantity) {
        return new Quantity(quantity).getNumber().doubleValue();
    }

    private static long bytes(String quantity) {
        BigDecimal number = new Quantity(quantity).getNumber();
        return number.longValueExact();
    }

    private static String value(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return MAPPER.readTree(response.body()).at("/items/0/value").asText();
    }

    private static JsonNode summary(KubeletSimulator sim, SimNode node) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(sim.clientSslContext()).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(node.uri("/stats/summary"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return MAPPER.readTree(response.body());
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept",
                "application/vnd.kubernetes.protobuf, application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(HttpResponse<String> response) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode item : MAPPER.readTree(response.body()).get("items")) {
            names.add(item.at("/describedObject/name").asText());
        }
        return names;
    }
}
