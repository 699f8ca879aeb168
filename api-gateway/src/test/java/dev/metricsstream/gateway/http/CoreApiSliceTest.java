package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.auth.AuthFilter;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.Kubectl;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.support.Tools;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone's core API slice, read by the real kubectl: {@code top node} with percentages of allocatable and
 * {@code top pod} on an empty namespace as on a cluster. The cluster gateway (no slice) keeps answering 404 there.
 */
class CoreApiSliceTest {
    static final long NOW = System.currentTimeMillis();
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final TlsMaterial TLS = TlsMaterial.selfSigned("metrics-stream-gateway", "test");
    static GatewayServer standalone;
    static TestGateway cluster;

    @BeforeAll
    static void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore()
                .putNode(node("node-a", NOW - 5_000, 1_000_000_000L, 2L * 1024 * 1024 * 1024))
                .putNode(node("node-b", NOW - 8_000, 500_000_000L, 1024L * 1024 * 1024))
                .putNode(node("node-gone", NOW - 600_000, 1L, 1L))
                .putPod(pod("shop", "web-1", "node-a", Map.of("app", "web"), NOW - 9_000,
                        container("nginx", 120_000_000L, 64L * 1024 * 1024)))
                .putPod(pod("shop", "db-0", "node-b", Map.of("app", "db"), NOW - 9_000,
                        container("postgres", 250_000_000L, 512L * 1024 * 1024)));
        Map<String, CoreApiSlice.NodeResources> capacities = Map.of(
                "node-a", new CoreApiSlice.NodeResources(4000L, 8L << 30, 2000L, 4L << 30),
                "node-b", new CoreApiSlice.NodeResources(2000L, 4L << 30, 1000L, 2L << 30));
        standalone = GatewayServer.start(new Serving("127.0.0.1", 0, -1, TLS),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(store, InstantSource.system(), AuthFilter.NONE,
                        new PrometheusRegistry(), new Health()),
                name -> Optional.ofNullable(capacities.get(name)));
        cluster = new TestGateway(store, NOW);
    }

    @AfterAll
    static void stop() {
        standalone.close();
        cluster.close();
    }

    private static Tools.Result kubectl(Path dir, String... args) throws Exception {
        return Kubectl.run(dir, standalone.httpsPort(), TLS.certificatePem(), args);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newBuilder().sslContext(TestGateway.trusting(TLS)).build().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + standalone.httpsPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void kubectl_top_node_prints_usage_and_percent_of_allocatable_for_every_node() throws Exception {
        Tools.Result result = kubectl(tempDir("top-node"), "top", "node");

        assertEquals(0, result.exitCode(), result.stderr());
        // node-a: 1000m of 2000m allocatable, 2048Mi of 4096Mi; node-b: 500m of 1000m, 1024Mi of 2048Mi
        List<String> rows = Kubectl.rows(result);
        assertEquals("NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)", rows.get(0).replace("CPU% ", "CPU(%) ")
                .replace("MEMORY%", "MEMORY(%)"), result.stdout());
        assertEquals(List.of("node-a 1000m 50% 2048Mi 50%", "node-b 500m 50% 1024Mi 50%"), rows.subList(1, rows.size()),
                result.stdout());
    }

    @Test
    void kubectl_top_one_node_and_a_label_selected_node_list_work() throws Exception {
        Tools.Result one = kubectl(tempDir("top-one"), "top", "node", "node-b");
        assertEquals(0, one.exitCode(), one.stderr());
        assertEquals("node-b 500m 50% 1024Mi 50%", Kubectl.rows(one).get(1), one.stdout());

        Tools.Result none = kubectl(tempDir("top-sel"), "top", "node", "-l", "no-such=label");
        assertEquals(1, none.exitCode(), none.stdout());
        assertTrue(none.stderr().contains("metrics not available yet"), none.stderr());
    }

    @Test
    void kubectl_top_pod_on_an_empty_namespace_says_no_resources_as_on_a_cluster() throws Exception {
        Tools.Result result = kubectl(tempDir("top-empty"), "top", "pod", "-n", "nothing-here");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("No resources found in nothing-here namespace.", result.stderr().trim());
        assertFalse(result.stderr().contains("NotFound"), result.stderr());

        Tools.Result selected = kubectl(tempDir("top-empty-sel"), "top", "pod", "-n", "shop", "-l", "app=none");
        assertEquals(0, selected.exitCode(), selected.stderr());
        assertEquals("No resources found in shop namespace.", selected.stderr().trim());
    }

    @Test
    void the_slice_lists_nodes_with_capacity_and_pods_as_core_v1_objects() throws Exception {
        JsonNode nodes = MAPPER.readTree(get("/api/v1/nodes").body());
        assertEquals("NodeList", nodes.get("kind").asText());
        assertEquals(2, nodes.get("items").size(), "the stale node is not listed");
        assertEquals("2", nodes.at("/items/0/status/allocatable/cpu").asText());
        assertEquals("4194304Ki", nodes.at("/items/0/status/allocatable/memory").asText());
        assertEquals("4", nodes.at("/items/0/status/capacity/cpu").asText());

        JsonNode pods = MAPPER.readTree(get("/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb").body());
        assertEquals("PodList", pods.get("kind").asText());
        assertEquals(1, pods.get("items").size());
        assertEquals("web-1", pods.at("/items/0/metadata/name").asText());
        assertEquals("Running", pods.at("/items/0/status/phase").asText());

        HttpResponse<String> missing = get("/api/v1/nodes/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("nodes \"nope\" not found", MAPPER.readTree(missing.body()).get("message").asText());
        assertEquals("APIVersions", MAPPER.readTree(get("/api").body()).get("kind").asText());
    }

    @Test
    void the_cluster_gateway_serves_no_core_api() throws Exception {
        for (String path : List.of("/api", "/api/v1", "/api/v1/nodes", "/api/v1/namespaces/shop/pods")) {
            HttpResponse<String> answer = cluster.get(path);
            assertEquals(404, answer.statusCode(), path);
            assertEquals("Status", MAPPER.readTree(answer.body()).get("kind").asText());
        }
    }

    @TempDir
    static Path tmp;

    private static Path tempDir(String name) throws Exception {
        return java.nio.file.Files.createDirectories(tmp.resolve(name));
    }
}
