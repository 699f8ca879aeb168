package dev.metricsstream.gateway.custom;

import static dev.metricsstream.gateway.support.JsonAnswers.json;
import static dev.metricsstream.gateway.support.JsonAnswers.texts;
import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1APIGroup;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1APIResourceList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * custom.metrics.k8s.io and external.metrics.k8s.io over real HTTPS, with the HPA controller's request shapes, on a
 * store holding known windows and samples. Expected values are computed here from the records put in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomMetricsApiTest {
    static final long MINUTE = 60_000;
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final long END = T0 + 60 * MINUTE; // newest closed 1m and 5m windows end here, and a 1h one
    static final long NOW = END + 20_000;
    /** What the HPA controller's REST client sends: protobuf preferred, JSON accepted. */
    static final String[] HPA_ACCEPT = {"Accept", "application/vnd.kubernetes.protobuf, application/json"};
    static final String CUSTOM = "/apis/custom.metrics.k8s.io/v1beta2";
    static final String EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1";

    private TestGateway gateway;

    static MetricsWindow window(EntityKind kind, String entity, long size, long end, double cpuAvg, double cpuMax,
            double cpuP95, double memAvg, long memMax, long memP95) {
        return MetricsWindow.newBuilder().setEntityKind(kind).setEntity(entity).setNodeName("node-a")
                .setWindowSizeMillis(size).setWindowStartMillis(end - size).setWindowEndMillis(end).setCount(20)
                .setCpuCoresAvg(cpuAvg).setCpuCoresMin(0).setCpuCoresMax(cpuMax).setCpuCoresP50(cpuAvg)
                .setCpuCoresP95(cpuP95).setCpuCoresP99(cpuMax).setMemoryBytesAvg(memAvg).setMemoryBytesMin(0)
                .setMemoryBytesMax(memMax).setMemoryBytesP50(memMax).setMemoryBytesP95(memP95)
                .setMemoryBytesP99(memMax).build();
    }

    static MetricsWindow labelled(MetricsWindow window, Map<String, String> labels) {
        window.setLabels(labels);
        return window;
    }

    @BeforeAll
    void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        Map<String, String> web = Map.of("app", "web");
        store.putPod(pod("shop", "web-1", "node-a", web, NOW - 5_000, container("main", 200_000_000L, 100L << 20)));
        store.putPod(pod("shop", "web-2", "node-a", web, NOW - 5_000, container("main", 300_000_000L, 50L << 20),
                container("sidecar", 1_000_000L, 10L << 20)));
        store.putPod(pod("shop", "db-0", "node-a", Map.of("app", "db"), NOW - 5_000,
                container("main", 900_000_000L, 1L << 30)));
        store.putNode(node("node-a", NOW - 5_000, 2_000_000_000L, 8L << 30));
        // 5m windows: web-1, web-2, db-0 end at END; batch-late (not in the store) one size earlier, still within
        // its size plus the staleness bound; web-gone's is older than that
        store.putWindow(window(EntityKind.POD, "shop/web-1", 5 * MINUTE, END, 0.25, 0.5, 0.45, 104857600.4,
                200L << 20, 190L << 20));
        store.putWindow(window(EntityKind.POD, "shop/web-2", 5 * MINUTE, END, 0.125, 0.75, 0.7, 52428800,
                60L << 20, 55L << 20));
        store.putWindow(window(EntityKind.POD, "shop/db-0", 5 * MINUTE, END, 1.0, 1.5, 1.25, 1073741824,
                2L << 30, 1L << 30));
        store.putWindow(labelled(window(EntityKind.POD, "shop/web-gone", 5 * MINUTE, END - 10 * MINUTE, 9, 9, 9, 9, 9, 9),
                web));
        store.putWindow(labelled(window(EntityKind.POD, "shop/batch-late", 5 * MINUTE, END - 5 * MINUTE, 7, 7, 7, 7, 7, 7),
                Map.of("app", "batch")));
        // another namespace whose name extends "shop", and a pod whose name extends web-1: never mixed in
        store.putWindow(labelled(window(EntityKind.POD, "shop-2/web-1", 5 * MINUTE, END, 5, 5, 5, 5, 5, 5), web));
        store.putWindow(window(EntityKind.POD, "shop/web-10", MINUTE, END, 3, 3, 3, 3, 3, 3));
        store.putWindow(window(EntityKind.NODE, "node-a", 5 * MINUTE, END, 1.5, 2.25, 2.0, 4294967296.0,
                5L << 30, 9L << 29));
        store.putWindow(window(EntityKind.NODE, "node-a", 60 * MINUTE, END, 1.4, 3.0, 2.5, 4e9, 5L << 30,
                9L << 29));
        // a 1m window far older than its size plus the staleness bound: not served
        store.putWindow(window(EntityKind.POD, "shop/web-1", MINUTE, END - 30 * MINUTE, 0.1, 0.1, 0.1, 1, 1, 1));
        gateway = new TestGateway(store, NOW);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void the_hpa_pods_metric_request_lists_the_selected_pods_window_statistics_as_metric_values() throws Exception {
        JsonNode list = json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector=app%3Dweb",
                HPA_ACCEPT), 200);
        assertEquals("MetricValueList", list.get("kind").asText());
        assertEquals("custom.metrics.k8s.io/v1beta2", list.get("apiVersion").asText());
        assertTrue(list.get("metadata").isObject());
        JsonNode items = list.get("items");
        assertEquals(List.of("web-1", "web-2"), texts(items, "/describedObject/name"));
        assertEquals(List.of("250m", "125m"), texts(items, "/value"));
        JsonNode first = items.get(0);
        assertEquals("Pod", first.at("/describedObject/kind").asText());
        assertEquals("shop", first.at("/describedObject/namespace").asText());
        assertEquals("v1", first.at("/describedObject/apiVersion").asText());
        assertEquals("cpu_usage_avg_5m", first.at("/metric/name").asText());
        assertTrue(first.at("/metric").has("selector") && first.at("/metric/selector").isNull(), first.toString());
        assertEquals(Instant.ofEpochMilli(END).toString(), first.get("timestamp").asText());
        assertEquals(300, first.get("windowSeconds").asLong());
        assertEquals(List.of("describedObject", "metric", "timestamp", "windowSeconds", "value"),
                iterableToList(first.fieldNames()));

        // every statistic and resource reads its own field of the window
        assertEquals(List.of("500m", "750m"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/cpu_usage_max_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200)
                .get("items"), "/value"));
        assertEquals(List.of("450m", "700m"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/cpu_usage_p95_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200)
                .get("items"), "/value"));
        assertEquals(List.of("100Mi", "50Mi"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/memory_working_set_avg_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200)
                .get("items"), "/value"));
        assertEquals(List.of("200Mi", "60Mi"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/memory_working_set_max_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200)
                .get("items"), "/value"));
        assertEquals(List.of("190Mi", "55Mi"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/memory_working_set_p95_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200)
                .get("items"), "/value"));
        // set-based selector (labels of a pod gone from the store come from its window), and no selector at all:
        // every pod with a fresh window (web-gone's is stale)
        assertEquals(List.of("batch-late", "db-0"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector=app+notin+%28web%29", HPA_ACCEPT), 200)
                .get("items"), "/describedObject/name"));
        assertEquals(List.of("batch-late", "db-0", "web-1", "web-2"), texts(json(gateway.get(CUSTOM
                + "/namespaces/shop/pods/*/cpu_usage_avg_5m", HPA_ACCEPT), 200).get("items"),
                "/describedObject/name"));
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> list = new java.util.ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }

    @Test
    void a_metric_whose_window_has_not_closed_is_absent_never_zero() throws Exception {
        // no 1h pod window at all, and web-1's only 1m window is stale
        assertEquals(List.of(), texts(json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/cpu_usage_avg_1h",
                HPA_ACCEPT), 200).get("items"), "/value"));
        JsonNode single = json(gateway.get(CUSTOM + "/namespaces/shop/pods/web-1/cpu_usage_avg_1m", HPA_ACCEPT), 404);
        assertEquals("Status", single.get("kind").asText());
        assertEquals("NotFound", single.get("reason").asText());
        assertEquals("the server could not find the metric cpu_usage_avg_1m for pods shop/web-1",
                single.get("message").asText());
        assertEquals(404, single.get("code").asInt());
        assertEquals("NotFound", json(gateway.get(CUSTOM + "/namespaces/empty/metrics/cpu_usage_avg_5m"), 404)
                .get("reason").asText());
        assertEquals(List.of(), texts(json(gateway.get(EXTERNAL + "/namespaces/shop/cpu_usage_avg_1h_sum"), 200)
                .get("items"), "/value"));
        assertEquals(List.of(), texts(json(gateway.get(EXTERNAL + "/namespaces/shop/cpu_usage_sum?labelSelector="
                + "app%3Dnone"), 200).get("items"), "/value"));
    }

    @Test
    void single_pods_and_nodes_and_node_lists_by_label() throws Exception {
        assertEquals("NotFound", json(gateway.get(CUSTOM + "/namespaces/shop/pods/web-1/cpu_usage_avg_1m"), 404)
                .get("reason").asText()); // web-10's fresh 1m window is not web-1's
        assertEquals(List.of("3"), texts(json(gateway.get(CUSTOM + "/namespaces/shop/pods/web-10/cpu_usage_avg_1m"),
                200).get("items"), "/value"));
        JsonNode pod = json(gateway.get(CUSTOM + "/namespaces/shop/pods/db-0/memory_working_set_avg_5m",
                HPA_ACCEPT), 200);
        assertEquals(List.of("1Gi"), texts(pod.get("items"), "/value"));
        JsonNode node = json(gateway.get(CUSTOM + "/nodes/node-a/cpu_usage_max_1h", HPA_ACCEPT), 200);
        JsonNode item = node.get("items").get(0);
        assertEquals("Node", item.at("/describedObject/kind").asText());
        assertTrue(item.at("/describedObject/namespace").isMissingNode(), item.toString());
        assertEquals("3", item.get("value").asText());
        assertEquals(3600, item.get("windowSeconds").asLong());
        assertEquals(List.of("node-a"), texts(json(gateway.get(CUSTOM
                + "/nodes/*/memory_working_set_p95_5m?labelSelector=kubernetes.io%2Fhostname%3Dnode-a"), 200)
                .get("items"), "/describedObject/name"));
        assertEquals(List.of("4608Mi"), texts(json(gateway.get(CUSTOM + "/nodes/*/memory_working_set_p95_5m"), 200)
                .get("items"), "/value"));
        assertEquals(List.of(), texts(json(gateway.get(CUSTOM + "/nodes/*/memory_working_set_p95_5m?labelSelector="
                + "kubernetes.io%2Fhostname%3Dnode-b"), 200).get("items"), "/value"));
        assertEquals("NotFound", json(gateway.get(CUSTOM + "/nodes/node-b/cpu_usage_max_5m"), 404).get("reason")
                .asText());
    }

    @Test
    void the_namespace_as_described_object_is_the_sum_over_its_pods_newest_windows() throws Exception {
        JsonNode list = json(gateway.get(CUSTOM + "/namespaces/shop/metrics/cpu_usage_avg_5m", HPA_ACCEPT), 200);
        JsonNode item = list.get("items").get(0);
        assertEquals("Namespace", item.at("/describedObject/kind").asText());
        assertEquals("shop", item.at("/describedObject/name").asText());
        assertTrue(item.at("/describedObject/namespace").isMissingNode());
        assertEquals("1375m", item.get("value").asText()); // 0.25 + 0.125 + 1.0; batch-late's older window left out
        assertEquals(Instant.ofEpochMilli(END).toString(), item.get("timestamp").asText());
        assertEquals("1174Mi", json(gateway.get(CUSTOM + "/namespaces/shop/metrics/memory_working_set_avg_5m"),
                200).get("items").get(0).get("value").asText()); // 100Mi (rounded) + 50Mi + 1Gi = 1174Mi
    }

    @Test
    void v1beta1_serializes_metric_name_and_window_as_its_go_type_does() throws Exception {
        JsonNode list = json(gateway.get("/apis/custom.metrics.k8s.io/v1beta1/namespaces/shop/pods/*/"
                + "cpu_usage_avg_5m?labelSelector=app%3Dweb", HPA_ACCEPT), 200);
        assertEquals("custom.metrics.k8s.io/v1beta1", list.get("apiVersion").asText());
        JsonNode first = list.get("items").get(0);
        assertEquals(List.of("describedObject", "metricName", "timestamp", "window", "value", "selector"),
                iterableToList(first.fieldNames()));
        assertEquals("cpu_usage_avg_5m", first.get("metricName").asText());
        assertEquals(300, first.get("window").asLong());
        assertEquals("250m", first.get("value").asText());
    }

    @Test
    void metric_label_selectors_other_than_empty_and_bad_input_are_status_answers() throws Exception {
        assertEquals(2, json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector=app%3Dweb"
                + "&metricLabelSelector=", HPA_ACCEPT), 200).get("items").size());
        JsonNode rejected = json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector="
                + "app%3Dweb&metricLabelSelector=queue%3Dorders", HPA_ACCEPT), 400);
        assertEquals("Status", rejected.get("kind").asText());
        assertEquals("BadRequest", rejected.get("reason").asText());
        assertTrue(rejected.get("message").asText().contains("metricLabelSelector \"queue=orders\" is not supported"),
                rejected.toString());
        assertEquals("BadRequest", json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector="
                + "app%3D%3D%3Dx"), 400).get("reason").asText());
        JsonNode unknown = json(gateway.get(CUSTOM + "/namespaces/shop/pods/*/requests_per_second"), 404);
        assertEquals("the server could not find the metric requests_per_second for pods",
                unknown.get("message").asText());
        assertEquals("NotFound", json(gateway.get("/apis/custom.metrics.k8s.io/v2/nodes/node-a/cpu_usage_avg_5m"),
                404).get("reason").asText());
        assertEquals("NotFound", json(gateway.get(EXTERNAL + "/namespaces/shop/nonsense_sum"), 404).get("reason")
                .asText());
    }

    @Test
    void external_metrics_aggregate_over_the_selected_pods_of_the_namespace() throws Exception {
        JsonNode list = json(gateway.get(EXTERNAL + "/namespaces/shop/cpu_usage_avg_5m_sum?labelSelector=app%3Dweb",
                HPA_ACCEPT), 200);
        assertEquals("ExternalMetricValueList", list.get("kind").asText());
        assertEquals("external.metrics.k8s.io/v1beta1", list.get("apiVersion").asText());
        JsonNode item = list.get("items").get(0);
        assertEquals(List.of("metricName", "metricLabels", "timestamp", "window", "value"),
                iterableToList(item.fieldNames()));
        assertEquals("cpu_usage_avg_5m_sum", item.get("metricName").asText());
        assertEquals("375m", item.get("value").asText());
        assertEquals(300, item.get("window").asLong());
        assertEquals(Instant.ofEpochMilli(END).toString(), item.get("timestamp").asText());
        assertEquals("187500u", value(EXTERNAL + "/namespaces/shop/cpu_usage_avg_5m_avg?labelSelector=app%3Dweb"));
        assertEquals("750m", value(EXTERNAL + "/namespaces/shop/cpu_usage_max_5m_max?labelSelector=app%3Dweb"));
        assertEquals("1500m", value(EXTERNAL + "/namespaces/shop/cpu_usage_max_5m_max"));
        // the latest samples of the metrics.k8s.io view: web-1 200m + web-2 (300m + 1m)
        assertEquals("501m", value(EXTERNAL + "/namespaces/shop/cpu_usage_sum?labelSelector=app%3Dweb"));
        assertEquals("160Mi", value(EXTERNAL + "/namespaces/shop/memory_working_set_sum?labelSelector=app%3Dweb"));
        assertEquals("1Gi", value(EXTERNAL + "/namespaces/shop/memory_working_set_max"));
        JsonNode latest = json(gateway.get(EXTERNAL + "/namespaces/shop/cpu_usage_sum"), 200).get("items").get(0);
        assertEquals(Instant.ofEpochMilli(NOW - 5_000).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                latest.get("timestamp").asText());
        assertEquals(15, latest.get("window").asLong());
    }

    private String value(String path) throws Exception {
        JsonNode items = json(gateway.get(path, HPA_ACCEPT), 200).get("items");
        assertEquals(1, items.size(), items.toString());
        return items.get(0).get("value").asText();
    }

    @Test
    void discovery_is_parsed_by_client_java_and_lists_every_metric_per_resource() throws Exception {
        JSON clientJson = new JSON();
        V1APIGroup group = clientJson.deserialize(gateway.get("/apis/custom.metrics.k8s.io").body(), V1APIGroup.class);
        assertEquals("custom.metrics.k8s.io/v1beta2", group.getPreferredVersion().getGroupVersion());
        assertEquals(2, group.getVersions().size());
        for (String version : List.of("v1beta2", "v1beta1")) {
            V1APIResourceList resources = clientJson.deserialize(
                    gateway.get("/apis/custom.metrics.k8s.io/" + version).body(), V1APIResourceList.class);
            assertEquals("custom.metrics.k8s.io/" + version, resources.getGroupVersion());
            List<String> names = resources.getResources().stream().map(V1APIResource::getName).toList();
            // 2 resources × 3 statistics × 3 sizes (1m, 5m, 1h), and the 4 summary metrics, each for pods, nodes and
            // namespaces
            assertEquals(54 + 12, names.size(), names.toString());
            for (String metric : List.of("cpu_usage_avg_5m", "cpu_usage_max_1h", "cpu_usage_p95_5m",
                    "memory_working_set_avg_1m", "memory_working_set_max_1h", "memory_working_set_p95_5m")) {
                assertTrue(names.containsAll(List.of("pods/" + metric, "nodes/" + metric, "namespaces/" + metric)),
                        metric);
            }
            V1APIResource pods = resources.getResources().stream().filter(r -> r.getName().equals("pods/cpu_usage_avg_5m"))
                    .findFirst().orElseThrow();
            assertTrue(pods.getNamespaced());
            assertEquals("MetricValueList", pods.getKind());
            assertEquals(List.of("get"), pods.getVerbs());
        }
        V1APIResourceList external = clientJson.deserialize(gateway.get(EXTERNAL).body(), V1APIResourceList.class);
        List<String> names = external.getResources().stream().map(V1APIResource::getName).toList();
        assertEquals(6 + 18 * 3 + 4 * 3, names.size(), names.toString());
        assertTrue(names.containsAll(List.of("cpu_usage_sum", "memory_working_set_sum", "cpu_usage_avg_5m_sum",
                "memory_working_set_p95_1h_max")), names.toString());
        assertNull(json(gateway.get("/apis/custom.metrics.k8s.io/v1"), 404).get("items"));
    }
}
