package dev.metricsstream.gateway.history;

import static dev.metricsstream.gateway.history.WindowHistoryTest.MINUTE;
import static dev.metricsstream.gateway.history.WindowHistoryTest.T0;
import static dev.metricsstream.gateway.history.WindowHistoryTest.window;
import static dev.metricsstream.gateway.support.JsonAnswers.json;
import static dev.metricsstream.gateway.support.JsonAnswers.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The History API and the web view over real HTTPS, on a history fed with known windows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryApiTest {
    static final String BASE = "/apis/history.metrics-stream.dev/v1alpha1";
    private TestGateway gateway;

    @BeforeAll
    void start() {
        gateway = new TestGateway(new InMemoryMetricsStore(), T0 + 30 * MINUTE);
        for (int i = 0; i < 10; i++) {
            gateway.history.accept(window(EntityKind.POD, "shop/web-1", MINUTE, T0 + i * MINUTE, 0.005 * (i + 1),
                    64L * 1024 * 1024));
            gateway.history.accept(window(EntityKind.POD, "shop/db-0", MINUTE, T0 + i * MINUTE, 0.5, 1024 * 1024));
            gateway.history.accept(window(EntityKind.NODE, "node-a", MINUTE, T0 + i * MINUTE, 1.5, 1L << 30));
        }
        gateway.history.accept(window(EntityKind.NODE, "node-a", 5 * MINUTE, T0, 1.5, 1L << 30));
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void a_pods_windows_in_a_range_are_a_kubernetes_style_list_with_canonical_quantities() throws Exception {
        String start = Instant.ofEpochMilli(T0 + 2 * MINUTE).toString();
        String end = Instant.ofEpochMilli(T0 + 5 * MINUTE).toString();
        JsonNode list = json(gateway.get(BASE + "/namespaces/shop/pods/web-1?window=1m&start=" + start + "&end=" + end),
                200);

        assertEquals("PodWindowList", list.get("kind").asText());
        assertEquals("history.metrics-stream.dev/v1alpha1", list.get("apiVersion").asText());
        assertEquals("web-1", list.at("/metadata/name").asText());
        assertEquals("shop", list.at("/metadata/namespace").asText());
        assertEquals("1m0s", list.get("window").asText());
        JsonNode items = list.get("items");
        assertEquals(List.of(start, Instant.ofEpochMilli(T0 + 3 * MINUTE).toString(),
                Instant.ofEpochMilli(T0 + 4 * MINUTE).toString()), texts(items, "/timestamp"));
        assertEquals(List.of("15m", "20m", "25m"), texts(items, "/cpu/avg"));
        assertEquals(List.of("30m", "40m", "50m"), texts(items, "/cpu/max"));
        assertEquals("22500u", items.get(0).at("/cpu/p95").asText());
        assertEquals("64Mi", items.get(0).at("/memory/avg").asText());
        assertEquals("128Mi", items.get(0).at("/memory/max").asText());
        assertEquals("1m0s", items.get(0).get("window").asText());
    }

    @Test
    void without_parameters_the_smallest_size_over_its_kept_span_ending_now_is_listed() throws Exception {
        JsonNode list = json(gateway.get(BASE + "/nodes/node-a"), 200);
        assertEquals("NodeWindowList", list.get("kind").asText());
        assertEquals(10, list.get("items").size());
        assertEquals(Instant.ofEpochMilli(T0 + 30 * MINUTE).toString(), list.get("end").asText());

        JsonNode five = json(gateway.get(BASE + "/nodes/node-a?window=5m"), 200);
        assertEquals(1, five.get("items").size());
        assertEquals("1500m", five.get("items").get(0).at("/cpu/avg").asText());
        assertEquals("1Gi", five.get("items").get(0).at("/memory/avg").asText());
    }

    @Test
    void the_namespace_roll_up_sums_its_pods() throws Exception {
        JsonNode list = json(gateway.get(BASE + "/namespaces/shop?window=1m"), 200);
        assertEquals("NamespaceWindowList", list.get("kind").asText());
        assertEquals(10, list.get("items").size());
        assertEquals("505m", list.get("items").get(0).at("/cpu/avg").asText());
        assertEquals(2, list.get("items").get(0).get("pods").asInt());
    }

    @Test
    void discovery_documents_name_the_group_its_version_and_resources() throws Exception {
        JsonNode group = json(gateway.get("/apis/history.metrics-stream.dev"), 200);
        assertEquals("APIGroup", group.get("kind").asText());
        assertEquals("history.metrics-stream.dev/v1alpha1", group.at("/preferredVersion/groupVersion").asText());
        JsonNode resources = json(gateway.get(BASE), 200);
        assertEquals("APIResourceList", resources.get("kind").asText());
        assertEquals(List.of("namespaces", "nodes", "pods"), texts(resources.get("resources"), "/name"));
        assertEquals(List.of("false", "false", "true"), texts(resources.get("resources"), "/namespaced"));
    }

    @Test
    void bad_input_and_unknown_entities_are_kubernetes_status_answers() throws Exception {
        JsonNode notKept = json(gateway.get(BASE + "/nodes/node-a?window=2m"), 400);
        assertEquals("Status", notKept.get("kind").asText());
        assertEquals("BadRequest", notKept.get("reason").asText());
        assertTrue(notKept.get("message").asText().contains("kept sizes: 1m, 5m, 1h"), notKept.toString());
        assertEquals("BadRequest", json(gateway.get(BASE + "/nodes/node-a?window=soon"), 400).get("reason").asText());
        JsonNode badTime = json(gateway.get(BASE + "/nodes/node-a?start=yesterday"), 400);
        assertTrue(badTime.get("message").asText().contains("RFC 3339"), badTime.toString());
        assertEquals(400, gateway.get(BASE + "/nodes/node-a?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z")
                .statusCode());
        JsonNode missing = json(gateway.get(BASE + "/namespaces/shop/pods/nope"), 404);
        assertEquals("NotFound", missing.get("reason").asText());
        assertEquals("pods.history.metrics-stream.dev \"shop/nope\" not found", missing.get("message").asText());
        assertEquals("NotFound", json(gateway.get("/apis/history.metrics-stream.dev/v9/nodes/node-a"), 404)
                .get("reason").asText());
        assertEquals("MethodNotAllowed", json(gateway.get(BASE + "/nodes/node-a?watch=true"), 405)
                .get("reason").asText());
    }

    @Test
    void the_web_view_and_its_vendored_chart_library_are_served_and_nothing_else_under_ui() throws Exception {
        HttpResponse<String> page = gateway.get("/ui/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"uplot/uPlot.iife.min.js\">"), page.body());
        HttpResponse<String> uplot = gateway.get("/ui/uplot/uPlot.iife.min.js");
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.body().contains("uPlot"));
        assertEquals(200, gateway.get("/ui/app.js").statusCode());
        HttpResponse<String> redirect = gateway.get("/ui");
        assertEquals(302, redirect.statusCode());
        assertEquals("ui/", redirect.headers().firstValue("Location").orElseThrow());
        JsonNode missing = json(gateway.get("/ui/uplot/VERSION"), 404);
        assertEquals("Status", missing.get("kind").asText());
        assertEquals(404, gateway.get("/ui/../GatewayApp.class").statusCode());
    }
}
