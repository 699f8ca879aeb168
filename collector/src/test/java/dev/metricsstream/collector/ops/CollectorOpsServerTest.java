package dev.metricsstream.collector.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.ProcessMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The collector's ops port answers as the other services' OpsServer does, over a real socket. */
class CollectorOpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(CollectorOpsServer server, String method, String path, String accept)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_metrics_in_the_asked_format_and_named_probes() throws Exception {
        PrometheusRegistry registry = ProcessMetrics.newRegistryWithJvmMetrics();
        Counter scrapes = Counter.builder().name("test_scrapes_total").help("scrapes").register(registry);
        scrapes.inc(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        Health health = new Health().addReadiness(HealthCheck.of("first-scrape",
                () -> ready.get() ? HealthCheck.Result.passed() : HealthCheck.Result.failed("no scrape yet")));

        try (CollectorOpsServer server = CollectorOpsServer.start("127.0.0.1", 0, registry, health)) {
            HttpResponse<String> metrics = get(server, "GET", "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("test_scrapes_total 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics registered");

            HttpResponse<String> openMetrics = get(server, "GET", "/metrics",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("application/openmetrics-text"));
            assertTrue(openMetrics.body().endsWith("# EOF\n"));

            assertEquals(200, get(server, "GET", "/livez", null).statusCode());
            assertEquals("ok", get(server, "GET", "/healthz", null).body());
            HttpResponse<String> notReady = get(server, "GET", "/readyz", null);
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("[-]first-scrape failed: no scrape yet"), notReady.body());

            ready.set(true);
            HttpResponse<String> nowReady = get(server, "GET", "/readyz", null);
            assertEquals(200, nowReady.statusCode());
            assertEquals("ok", nowReady.body());
            assertTrue(get(server, "GET", "/readyz?verbose", null).body().contains("[+]first-scrape ok"));
        }
    }

    @Test
    void an_unknown_path_or_method_gets_a_kubernetes_status() throws Exception {
        try (CollectorOpsServer server = CollectorOpsServer.start("127.0.0.1", 0, new PrometheusRegistry(),
                new Health())) {
            HttpResponse<String> missing = get(server, "GET", "/nope", null);
            assertEquals(404, missing.statusCode());
            assertEquals("application/json", missing.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(missing.body().startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\""), missing.body());
            assertTrue(missing.body().contains("\"code\":404"), missing.body());

            HttpResponse<String> post = get(server, "POST", "/metrics", null);
            assertEquals(405, post.statusCode());
            assertTrue(post.body().contains("\"reason\":\"MethodNotAllowed\""), post.body());
        }
    }
}
