package dev.metricsstream.gateway.http;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway over real HTTPS on loopback, fed from an in-memory store. */
class GatewayHttpTest {
    static final long NOW = Instant.parse("2026-11-21T21:00:00Z").toEpochMilli();
    static final ObjectMapper MAPPER = new ObjectMapper();
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore()
                .putNode(node("node-b", NOW - 10_000, 487_558_164L, 749_785_088L))
                .putNode(node("node-a", NOW - 5_000, 1_000_000_000L, 1_073_741_824L))
                .putNode(node("node-stale", NOW - 60_000, 1L, 1024L))
                .putPod(pod("shop", "web-2", "node-a", Map.of("app", "web", "tier", "front"), NOW - 12_000,
                        container("nginx", 9_559_630L, 22_244L * 1024)))
                .putPod(pod("shop", "web-1", "node-b", Map.of("app", "web", "tier", "front"), NOW - 12_000,
                        container("nginx", 5_000_000L, 20_000L * 1024), container("sidecar", 1_000L, 1000L)))
                .putPod(pod("shop", "db-0", "node-a", Map.of("app", "db"), NOW - 12_000,
                        container("postgres", 250_000_000L, 512L * 1024 * 1024)))
                .putPod(pod("shop", "web-old", "node-a", Map.of("app", "web"), NOW - 46_000,
                        container("nginx", 1L, 1L)))
                .putPod(pod("shop-b", "web-9", "node-b", Map.of("app", "web"), NOW - 1_000,
                        container("nginx", 7L, 4096L)))
                .putPod(pod("a", "first", "node-b", Map.of(), NOW - 1_000, container("c", 0L, 0L)));
        gateway = new TestGateway(store, NOW);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return MAPPER.readTree(response.body());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        for (JsonNode item : list.get("items")) {
            JsonNode meta = item.get("metadata");
            names.add(meta.has("namespace") ? meta.get("namespace").asText() + "/" + meta.get("name").asText()
                    : meta.get("name").asText());
        }
        return names;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1beta1", "v1"})
    void lists_fresh_nodes_sorted_by_name(String version) throws Exception {
        HttpResponse<String> response = gateway.get("/apis/metrics.k8s.io/" + version + "/nodes");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode list = json(response);
        assertEquals("NodeMetricsList", list.get("kind").asText());
        assertEquals("metrics.k8s.io/" + version, list.get("apiVersion").asText());
        assertEquals(0, list.get("metadata").size());
        assertEquals(List.of("node-a", "node-b"), names(list));
        JsonNode nodeB = list.get("items").get(1);
        assertEquals("487558164n", nodeB.at("/usage/cpu").asText());
        assertEquals("732212Ki", nodeB.at("/usage/memory").asText());
        assertEquals("15.012s", nodeB.get("window").asText());
        assertEquals("2026-11-21T20:59:50Z", nodeB.get("timestamp").asText());
        assertEquals("2026-11-21T21:00:00Z", nodeB.at("/metadata/creationTimestamp").asText());
        assertEquals("1", list.get("items").get(0).at("/usage/cpu").asText());
        assertEquals("1Gi", list.get("items").get(0).at("/usage/memory").asText());
    }

    @Test
    void lists_all_pods_sorted_by_namespace_then_name_without_stale_ones() throws Exception {
        JsonNode list = json(gateway.get("/apis/metrics.k8s.io/v1beta1/pods"));

        assertEquals("PodMetricsList", list.get("kind").asText());
        assertEquals(List.of("a/first", "shop/db-0", "shop/web-1", "shop/web-2", "shop-b/web-9"), names(list));
    }

    @Test
    void an_hpa_shaped_request_returns_exactly_the_matching_pods_of_the_namespace() throws Exception {
        HttpResponse<String> response = gateway.get(
                "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb",
                "Accept", "application/vnd.kubernetes.protobuf, */*");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode list = json(response);
        assertEquals(List.of("shop/web-1", "shop/web-2"), names(list));
        JsonNode web1 = list.get("items").get(0);
        assertEquals("nginx", web1.at("/containers/0/name").asText());
        assertEquals("5m", web1.at("/containers/0/usage/cpu").asText());
        assertEquals("20000Ki", web1.at("/containers/0/usage/memory").asText());
        assertEquals("1u", web1.at("/containers/1/usage/cpu").asText());
        assertEquals("1k", web1.at("/containers/1/usage/memory").asText());
        assertEquals("front", web1.at("/metadata/labels/tier").asText());
    }

    @Test
    void set_based_selectors_and_field_selectors_combine() throws Exception {
        assertEquals(List.of("shop/db-0", "shop/web-1"), names(json(gateway.get(
                "/apis/metrics.k8s.io/v1/pods?labelSelector=app+in+(web,db),tier!=x&fieldSelector=metadata.name!%3Dweb-2,metadata.namespace%3Dshop"))));
        assertEquals(List.of("a/first"), names(json(gateway.get("/apis/metrics.k8s.io/v1/pods?labelSelector=!app"))));
        assertEquals(List.of("node-b"), names(json(gateway.get("/apis/metrics.k8s.io/v1/nodes?fieldSelector=metadata.name%3Dnode-b"))));
        assertEquals(List.of(), names(json(gateway.get("/apis/metrics.k8s.io/v1/nodes?labelSelector=role%3Dnone"))));
    }

    @Test
    void gets_one_node_and_one_pod_with_kind_and_api_version() throws Exception {
        JsonNode node = json(gateway.get("/apis/metrics.k8s.io/v1beta1/nodes/node-a"));
        assertEquals("NodeMetrics", node.get("kind").asText());
        assertEquals("metrics.k8s.io/v1beta1", node.get("apiVersion").asText());
        assertEquals(List.of("kind", "apiVersion", "metadata", "timestamp", "window", "usage"), fieldNames(node));

        JsonNode pod = json(gateway.get("/apis/metrics.k8s.io/v1/namespaces/shop/pods/db-0"));
        assertEquals("PodMetrics", pod.get("kind").asText());
        assertEquals(List.of("kind", "apiVersion", "metadata", "timestamp", "window", "containers"), fieldNames(pod));
        assertEquals("250m", pod.at("/containers/0/usage/cpu").asText());
        assertEquals("512Mi", pod.at("/containers/0/usage/memory").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void unknown_and_stale_objects_are_404_status_with_metrics_server_messages() throws Exception {
        HttpResponse<String> node = gateway.get("/apis/metrics.k8s.io/v1beta1/nodes/n1");
        assertEquals(404, node.statusCode());
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"nodemetrics.metrics.k8s.io \\\"n1\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"n1\",\"group\":\"metrics.k8s.io\",\"kind\":\"nodemetrics\"},\"code\":404}\n",
                node.body());
        HttpResponse<String> stale = gateway.get("/apis/metrics.k8s.io/v1beta1/nodes/node-stale");
        assertEquals(404, stale.statusCode());
        HttpResponse<String> pod = gateway.get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-old");
        assertEquals(404, pod.statusCode());
        assertEquals("podmetrics.metrics.k8s.io \"shop/web-old\" not found", json(pod).get("message").asText());
    }

    @Test
    void watch_is_405_and_resource_version_and_limit_are_ignored() throws Exception {
        HttpResponse<String> watch = gateway.get("/apis/metrics.k8s.io/v1beta1/pods?watch=true");
        assertEquals(405, watch.statusCode());
        assertEquals("MethodNotAllowed", json(watch).get("reason").asText());
        assertEquals(405, gateway.get("/apis/metrics.k8s.io/v1beta1/nodes/node-a?watch=1").statusCode());
        HttpResponse<String> list = gateway.get("/apis/metrics.k8s.io/v1beta1/nodes?resourceVersion=0&limit=1");
        assertEquals(200, list.statusCode());
        assertEquals(2, json(list).get("items").size());
    }

    @Test
    void malformed_selectors_are_400_status_saying_what_is_wrong() throws Exception {
        HttpResponse<String> label = gateway.get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app+in+web");
        assertEquals(400, label.statusCode());
        JsonNode status = json(label);
        assertEquals("Status", status.get("kind").asText());
        assertEquals("BadRequest", status.get("reason").asText());
        assertEquals(400, status.get("code").asInt());
        assertEquals("unable to parse requirement: found 'web' expected: '('", status.get("message").asText());

        HttpResponse<String> field = gateway.get("/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dn1");
        assertEquals(400, field.statusCode());
        assertTrue(json(field).get("message").asText().contains("is not a known field selector"));
    }

    @Test
    void discovery_documents_describe_both_versions() throws Exception {
        JsonNode groups = json(gateway.get("/apis"));
        assertEquals("APIGroupList", groups.get("kind").asText());
        assertEquals("metrics.k8s.io/v1beta1", groups.at("/groups/0/preferredVersion/groupVersion").asText());
        assertEquals(2, groups.at("/groups/0/versions").size());
        JsonNode group = json(gateway.get("/apis/metrics.k8s.io"));
        assertEquals("APIGroup", group.get("kind").asText());
        JsonNode v1 = json(gateway.get("/apis/metrics.k8s.io/v1"));
        assertEquals("metrics.k8s.io/v1", v1.get("groupVersion").asText());
        assertEquals("PodMetrics", v1.at("/resources/1/kind").asText());
        assertEquals(404, gateway.get("/apis/metrics.k8s.io/v2").statusCode());
        // what `kubectl get --raw /apis/metrics.k8s.io/v1beta1/` asks for
        assertEquals("APIResourceList", json(gateway.get("/apis/metrics.k8s.io/v1beta1/")).get("kind").asText());
    }

    @Test
    void a_table_request_gets_metrics_server_columns_with_partial_object_metadata() throws Exception {
        HttpResponse<String> response = gateway.get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb",
                "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");

        assertEquals("application/json;as=Table;v=v1;g=meta.k8s.io", response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode table = json(response);
        assertEquals("Table", table.get("kind").asText());
        assertEquals("meta.k8s.io/v1", table.get("apiVersion").asText());
        assertEquals("[\"Name\",\"cpu\",\"memory\",\"Window\"]", MAPPER.writeValueAsString(
                MAPPER.valueToTree(columnNames(table.get("columnDefinitions")))));
        assertEquals("[\"web-1\",\"5001u\",\"20481000\",\"15.012s\"]", table.at("/rows/0/cells").toString());
        assertEquals("PartialObjectMetadata", table.at("/rows/0/object/kind").asText());
        assertEquals("shop", table.at("/rows/0/object/metadata/namespace").asText());
        assertEquals(2, table.get("rows").size());

        JsonNode withObjects = json(gateway.get("/apis/metrics.k8s.io/v1beta1/nodes?includeObject=Object",
                "Accept", "application/json;as=Table;v=v1beta1;g=meta.k8s.io"));
        assertEquals("meta.k8s.io/v1beta1", withObjects.get("apiVersion").asText());
        assertEquals("NodeMetrics", withObjects.at("/rows/0/object/kind").asText());
    }

    private static List<String> columnNames(JsonNode columns) {
        List<String> names = new ArrayList<>();
        columns.forEach(column -> names.add(column.get("name").asText()));
        return names;
    }

    @Test
    void unknown_paths_are_404_status_never_html() throws Exception {
        HttpResponse<String> response = gateway.get("/api");
        assertEquals(404, response.statusCode());
        assertEquals("Status", json(response).get("kind").asText());
    }

    @Test
    void writes_are_405_status() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(TestGateway.trusting(gateway.tls)).build()
                .send(HttpRequest.newBuilder(URI.create(gateway.httpsBase() + "/apis/metrics.k8s.io/v1beta1/nodes"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("MethodNotAllowed", json(response).get("reason").asText());
    }

    @Test
    void openapi_documents_define_both_kinds() throws Exception {
        JsonNode v2 = json(gateway.get("/openapi/v2"));
        assertEquals("2.0", v2.get("swagger").asText());
        assertTrue(v2.at("/definitions").has("io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics"));
        assertTrue(v2.at("/definitions").has("io.k8s.metrics.pkg.apis.metrics.v1.PodMetricsList"));
        JsonNode index = json(gateway.get("/openapi/v3"));
        String url = index.at("/paths/apis~1metrics.k8s.io~1v1beta1/serverRelativeURL").asText();
        assertTrue(url.startsWith("/openapi/v3/apis/metrics.k8s.io/v1beta1?hash="), url);
        JsonNode v3 = json(gateway.get(url));
        assertEquals("3.0.0", v3.get("openapi").asText());
        assertTrue(v3.at("/components/schemas").has("io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics"));
        assertTrue(v3.at("/paths").has("/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods"));
    }

    @Test
    void version_and_probes_answer_like_a_generic_apiserver() throws Exception {
        JsonNode version = json(gateway.get("/version"));
        assertTrue(version.get("gitVersion").asText().startsWith("v"));
        assertEquals(200, gateway.get("/healthz").statusCode());
        assertEquals(200, gateway.get("/livez").statusCode());
        HttpResponse<String> ready = gateway.get("/readyz?verbose");
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("[+]metrics-store ok"), ready.body());
        assertEquals(200, gateway.getPlain("/readyz").statusCode());
    }

    @Test
    void large_answers_are_gzipped_when_the_client_accepts_it() throws Exception {
        HttpResponse<byte[]> response = gateway.getBytes("/apis/metrics.k8s.io/v1beta1/pods", "Accept-Encoding", "gzip");
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(5, MAPPER.readTree(body).get("items").size());
        }
    }

    @Test
    void own_metrics_count_requests_per_route_and_code() throws Exception {
        gateway.get("/apis/metrics.k8s.io/v1beta1/nodes/n1");
        String metrics = gateway.get("/metrics").body();
        assertTrue(metrics.contains("metrics_stream_gateway_requests_total{code=\"404\",method=\"GET\","
                + "route=\"/apis/metrics.k8s.io/{version}/nodes/{name}\"}"), metrics);
        assertFalse(metrics.contains("route=\"/apis/metrics.k8s.io/v1beta1/nodes/n1\""));
    }
}
