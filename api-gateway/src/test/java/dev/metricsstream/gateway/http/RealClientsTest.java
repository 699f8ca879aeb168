package dev.metricsstream.gateway.http;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static dev.metricsstream.gateway.support.Samples.nodeWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.Kubectl;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.support.Tools;
import io.kubernetes.client.Metrics;
import io.kubernetes.client.custom.NodeMetricsList;
import io.kubernetes.client.custom.PodMetrics;
import io.kubernetes.client.custom.PodMetricsList;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients that will really talk to the gateway, over HTTPS on loopback: client-java's {@code Metrics},
 * {@code kubectl top}, and {@code promtool} on both exposition endpoints. The store is in memory here; the
 * Kafka-fed store has its own integration test.
 */
class RealClientsTest {
    static final long NOW = System.currentTimeMillis();
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore()
                .putNode(node("node-a", NOW - 5_000, 1_250_000_000L, 2L * 1024 * 1024 * 1024))
                .putNode(node("node-b", NOW - 8_000, 487_558_164L, 749_785_088L))
                .putPod(pod("shop", "web-1", "node-a", Map.of("app", "web"), NOW - 9_000,
                        container("nginx", 120_000_000L, 64L * 1024 * 1024),
                        container("envoy", 30_000_000L, 32L * 1024 * 1024)))
                .putPod(pod("shop", "web-2", "node-b", Map.of("app", "web"), NOW - 9_000,
                        container("nginx", 80_000_000L, 48L * 1024 * 1024)))
                .putPod(pod("shop", "db-0", "node-a", Map.of("app", "db"), NOW - 9_000,
                        container("postgres", 250_000_000L, 512L * 1024 * 1024)))
                .putPod(pod("kube-system", "coredns-1", "node-b", Map.of("k8s-app", "kube-dns"), NOW - 9_000,
                        container("coredns", 3_000_000L, 20L * 1024 * 1024)))
                .putWindow(podWindow("shop", "web-1", "node-a", 60_000, NOW - 30_000))
                .putWindow(nodeWindow("node-a", 60_000, NOW - 30_000));
        gateway = new TestGateway(store, NOW);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private ApiClient apiClient() throws Exception {
        return new ClientBuilder().setBasePath(gateway.httpsBase())
                .setCertificateAuthority(gateway.tls.certificatePem().getBytes(StandardCharsets.US_ASCII))
                .setVerifyingSsl(true).setAuthentication(new AccessTokenAuthentication("any-token")).build();
    }

    @Test
    void client_java_metrics_decodes_node_metrics_over_https() throws Exception {
        NodeMetricsList nodes = new Metrics(apiClient()).getNodeMetrics();

        assertEquals(2, nodes.getItems().size());
        assertEquals("node-a", nodes.getItems().get(0).getMetadata().getName());
        assertEquals(0, new BigDecimal("1.25").compareTo(nodes.getItems().get(0).getUsage().get("cpu").getNumber()));
        assertEquals(new BigDecimal(749_785_088L), nodes.getItems().get(1).getUsage().get("memory").getNumber());
        assertEquals("15.012s", nodes.getItems().get(1).getWindow());
    }

    @Test
    void client_java_metrics_gets_pods_with_a_label_selector() throws Exception {
        PodMetricsList pods = new Metrics(apiClient()).getPodMetrics("shop", "app=web");

        assertEquals(List.of("web-1", "web-2"), pods.getItems().stream().map(p -> p.getMetadata().getName()).toList());
        PodMetrics web1 = pods.getItems().get(0);
        assertEquals("shop", web1.getMetadata().getNamespace());
        assertEquals(2, web1.getContainers().size());
        assertEquals(0, new BigDecimal("0.12").compareTo(web1.getContainers().get(0).getUsage().get("cpu").getNumber()));
        assertEquals(new BigDecimal(64L * 1024 * 1024), web1.getContainers().get(0).getUsage().get("memory").getNumber());
    }

    private static Tools.Result kubectl(Path dir, String... args) throws Exception {
        return Kubectl.run(dir, gateway.server.httpsPort(), gateway.tls.certificatePem(), args);
    }

    @Test
    void kubectl_top_pod_all_namespaces_prints_every_pod(@TempDir Path dir) throws Exception {
        Tools.Result result = kubectl(dir, "top", "pod", "-A");

        assertEquals(0, result.exitCode(), result.stderr());
        List<String> rows = result.stdout().lines().map(l -> String.join(" ", l.trim().split("\\s+"))).toList();
        assertEquals(List.of("NAMESPACE NAME CPU(cores) MEMORY(bytes)",
                "kube-system coredns-1 3m 20Mi",
                "shop db-0 250m 512Mi",
                "shop web-1 150m 96Mi",
                "shop web-2 80m 48Mi"), rows, result.stdout());
    }

    @Test
    void kubectl_top_pod_with_containers_prints_one_row_per_container_sorted_by_kubectl(@TempDir Path dir) throws Exception {
        Tools.Result result = kubectl(dir, "top", "pod", "-n", "shop", "--containers");

        assertEquals(0, result.exitCode(), result.stderr());
        List<String> rows = result.stdout().lines().map(l -> String.join(" ", l.trim().split("\\s+"))).toList();
        assertEquals(List.of("POD NAME CPU(cores) MEMORY(bytes)",
                "db-0 postgres 250m 512Mi",
                "web-1 envoy 30m 32Mi",
                "web-1 nginx 120m 64Mi",
                "web-2 nginx 80m 48Mi"), rows, result.stdout());
    }

    @Test
    void kubectl_get_pod_metrics_prints_the_server_side_table_as_with_metrics_server(@TempDir Path dir) throws Exception {
        Tools.Result result = kubectl(dir, "get", "pods.metrics.k8s.io", "-n", "shop");

        assertEquals(0, result.exitCode(), result.stderr());
        List<String> rows = result.stdout().lines().map(l -> String.join(" ", l.trim().split("\\s+"))).toList();
        assertEquals(List.of("NAME CPU MEMORY WINDOW", "db-0 250m 512Mi 15.012s", "web-1 150m 96Mi 15.012s",
                "web-2 80m 48Mi 15.012s"), rows, result.stdout());
    }

    @Test
    void kubectl_get_one_node_metrics_prints_its_row(@TempDir Path dir) throws Exception {
        Tools.Result result = kubectl(dir, "get", "nodes.metrics.k8s.io", "node-b");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(List.of("NAME CPU MEMORY WINDOW", "node-b 487558164n 732212Ki 15.012s"),
                result.stdout().lines().map(l -> String.join(" ", l.trim().split("\\s+"))).toList(), result.stdout());
    }

    @Test
    void kubectl_top_pod_with_a_selector_prints_the_matching_pods(@TempDir Path dir) throws Exception {
        Tools.Result result = kubectl(dir, "top", "pod", "-n", "shop", "-l", "app in (db)");

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(2, result.stdout().lines().count(), result.stdout());
        assertTrue(result.stdout().contains("db-0"), result.stdout());
    }

    private static Tools.Result promtool(Path dir, String body) throws Exception {
        Path promtool = Tools.find("promtool");
        assumeTrue(promtool != null, "promtool is not on PATH (Debian package 'prometheus'): exposition checks skipped");
        return Tools.run(List.of(promtool.toString(), "check", "metrics"), Map.of(),
                body.getBytes(StandardCharsets.UTF_8), dir);
    }

    @Test
    void promtool_accepts_the_gateway_own_metrics(@TempDir Path dir) throws Exception {
        gateway.get("/apis/metrics.k8s.io/v1beta1/nodes");
        HttpResponse<String> metrics = gateway.get("/metrics");
        assertEquals(200, metrics.statusCode());

        Tools.Result result = promtool(dir, metrics.body());

        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    }

    @Test
    void promtool_accepts_the_usage_exposition(@TempDir Path dir) throws Exception {
        HttpResponse<String> usage = gateway.get("/metrics/usage");
        assertEquals(200, usage.statusCode());
        assertTrue(usage.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertTrue(usage.body().contains("metrics_stream_container_cpu_usage_cores{namespace=\"shop\",pod=\"web-1\","
                + "container=\"envoy\",node=\"node-a\"} 0.03 " + (NOW - 9_000)), usage.body());

        Tools.Result result = promtool(dir, usage.body());

        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    }
}
