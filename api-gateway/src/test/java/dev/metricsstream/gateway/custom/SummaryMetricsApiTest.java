package dev.metricsstream.gateway.custom;

import static dev.metricsstream.gateway.custom.CustomMetricsApiTest.CUSTOM;
import static dev.metricsstream.gateway.custom.CustomMetricsApiTest.EXTERNAL;
import static dev.metricsstream.gateway.custom.CustomMetricsApiTest.HPA_ACCEPT;
import static dev.metricsstream.gateway.support.JsonAnswers.texts;
import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The /stats/summary metrics (network rates, RSS, ephemeral storage) over real HTTPS with the HPA's request shapes,
 * on a store whose pods carry known summary values; one pod and one node have none (their collector reads
 * /metrics/resource only) and must be absent, never zero.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SummaryMetricsApiTest {
    static final long NOW = 1_767_225_600_000L;
    static final long SAMPLE = NOW - 5_000;
    static final long NETWORK = NOW - 5_700;

    private final ObjectMapper mapper = new ObjectMapper();
    private TestGateway gateway;

    static SummaryUsage summary(Double rx, Double tx, Long rss, Long ephemeral) {
        return SummaryUsage.newBuilder()
                .setNetworkTimestampMillis(rx == null ? null : NETWORK)
                .setNetworkWindowNanos(rx == null ? null : 15_000_000_000L)
                .setNetworkReceiveBytesPerSecond(rx).setNetworkTransmitBytesPerSecond(tx)
                .setMemoryRssBytes(rss).setEphemeralStorageUsedBytes(ephemeral).build();
    }

    @BeforeAll
    void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        Map<String, String> web = Map.of("app", "web");
        store.putPod(pod("shop", "web-1", "node-a", web, SAMPLE, container("main", 200_000_000L, 100L << 20)));
        store.putPod(pod("shop", "web-2", "node-a", web, SAMPLE, container("main", 300_000_000L, 50L << 20)));
        store.putPod(pod("shop", "web-3", "node-b", web, SAMPLE, container("main", 300_000_000L, 50L << 20)));
        store.putPod(pod("shop", "fresh", "node-a", web, SAMPLE, container("main", 1_000_000L, 1L << 20)));
        store.putPodSummary("shop", "web-1", summary(125_000.0, 40_000.0, 96L << 20, 4096L));
        store.putPodSummary("shop", "web-2", summary(1234.5678, 0.0, 48L << 20, 1_000L));
        // web-3 is on node-b, whose collector reads /metrics/resource only: no summary at all
        // "fresh" has its gauges but no network rate yet (one counter point)
        store.putPodSummary("shop", "fresh", summary(null, null, 1L << 20, 0L));
        store.putNode(node("node-a", SAMPLE, 2_000_000_000L, 8L << 30));
        store.putNode(node("node-b", SAMPLE, 1_000_000_000L, 4L << 30));
        store.putNodeSummary("node-a", summary(2_500_000.0, 750_000.0, 6L << 30, 30L << 30));
        gateway = new TestGateway(store, NOW);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return mapper.readTree(response.body());
    }

    @Test
    void the_hpa_pods_request_for_the_network_receive_rate_lists_the_selected_pods_that_have_one() throws Exception {
        JsonNode list = json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/network_receive_bytes_per_second"
                + "?labelSelector=app%3Dweb", HPA_ACCEPT), 200);

        assertEquals("MetricValueList", list.get("kind").asText());
        JsonNode items = list.get("items");
        assertEquals(List.of("web-1", "web-2"), texts(items, "/describedObject/name"),
                "web-3 (no summary) and fresh (no rate yet) are absent, not zero");
        assertEquals(List.of("125k", "1234568m"), texts(items, "/value"));
        JsonNode first = items.get(0);
        assertEquals("network_receive_bytes_per_second", first.at("/metric/name").asText());
        assertEquals(Instant.ofEpochMilli(NETWORK).toString().replace(".300Z", "Z"),
                first.get("timestamp").asText(), "the counter time, in RFC 3339 seconds");
        assertEquals(15, first.get("windowSeconds").asLong());
        assertEquals(List.of("40k", "0"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/network_transmit_bytes_per_second?labelSelector=app%3Dweb", HPA_ACCEPT),
                200).get("items"), "/value"), "a measured zero is served as zero");
    }

    @Test
    void rss_and_ephemeral_storage_are_byte_quantities_of_the_pods_latest_sample() throws Exception {
        JsonNode rss = json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/memory_rss_bytes", HPA_ACCEPT), 200);
        assertEquals(List.of("fresh", "web-1", "web-2"), texts(rss.get("items"), "/describedObject/name"));
        assertEquals(List.of("1Mi", "96Mi", "48Mi"), texts(rss.get("items"), "/value"));
        assertEquals(Instant.ofEpochMilli(SAMPLE).toString(), rss.get("items").get(0).get("timestamp").asText());
        JsonNode one = json(gateway.get(CUSTOM + "/namespaces/shop/pods/web-1/ephemeral_storage_used_bytes",
                HPA_ACCEPT), 200);
        assertEquals(List.of("4Ki"), texts(one.get("items"), "/value"));
        assertEquals(List.of("1k"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/web-2/ephemeral_storage_used_bytes"), 200).get("items"), "/value"));
    }

    @Test
    void a_pod_or_node_without_summary_values_is_a_not_found_status_never_zero() throws Exception {
        JsonNode pod = json(gateway.get(CUSTOM + "/namespaces/shop/pods/web-3/memory_rss_bytes", HPA_ACCEPT), 404);
        assertEquals("Status", pod.get("kind").asText());
        assertEquals("the server could not find the metric memory_rss_bytes for pods shop/web-3",
                pod.get("message").asText());
        assertEquals(404, gateway.get(CUSTOM + "/namespaces/shop/pods/fresh/network_receive_bytes_per_second")
                .statusCode());
        assertEquals(404, gateway.get(CUSTOM + "/nodes/node-b/network_receive_bytes_per_second").statusCode());
        assertEquals(404, gateway.get(CUSTOM + "/namespaces/other/metrics/memory_rss_bytes").statusCode());
        assertEquals(List.of(), texts(json(gateway.get(EXTERNAL
                + "/namespaces/shop/network_receive_bytes_per_second_sum?labelSelector=app%3Dnone"), 200)
                .get("items"), "/value"));
    }

    @Test
    void nodes_namespaces_and_external_aggregations() throws Exception {
        JsonNode nodes = json(gateway.get(CUSTOM + "/nodes/*/network_transmit_bytes_per_second", HPA_ACCEPT), 200);
        assertEquals(List.of("node-a"), texts(nodes.get("items"), "/describedObject/name"));
        assertEquals(List.of("750k"), texts(nodes.get("items"), "/value"));
        assertEquals(List.of("30Gi"), texts(json(gateway.get(CUSTOM + "/nodes/node-a/ephemeral_storage_used_bytes"),
                200).get("items"), "/value"));
        JsonNode namespace = json(gateway.get(CUSTOM + "/namespaces/shop/metrics/network_receive_bytes_per_second",
                HPA_ACCEPT), 200);
        assertEquals("Namespace", namespace.at("/items/0/describedObject/kind").asText());
        assertEquals("126234568m", namespace.at("/items/0/value").asText(), "125000 + 1234.5678");
        JsonNode sum = json(gateway.get(EXTERNAL + "/namespaces/shop/network_receive_bytes_per_second_sum"
                + "?labelSelector=app%3Dweb", HPA_ACCEPT), 200);
        assertEquals("ExternalMetricValueList", sum.get("kind").asText());
        assertEquals("network_receive_bytes_per_second_sum", sum.at("/items/0/metricName").asText());
        assertEquals("126234568m", sum.at("/items/0/value").asText());
        assertEquals(15, sum.at("/items/0/window").asLong());
        assertEquals("63117284m", json(gateway.get(EXTERNAL
                + "/namespaces/shop/network_receive_bytes_per_second_avg?labelSelector=app%3Dweb"), 200)
                .at("/items/0/value").asText(), "the average over the two pods that have a rate");
        assertEquals("96Mi", json(gateway.get(EXTERNAL + "/namespaces/shop/memory_rss_bytes_max"), 200)
                .at("/items/0/value").asText());
        JsonNode discovery = json(gateway.get(CUSTOM), 200);
        List<String> names = texts(discovery.get("resources"), "/name");
        assertTrue(names.containsAll(List.of("pods/network_receive_bytes_per_second", "nodes/memory_rss_bytes",
                "namespaces/ephemeral_storage_used_bytes")), names.toString());
    }
}
