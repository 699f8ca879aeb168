package dev.metricsstream.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer server, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_metrics_and_probes_over_a_real_socket() throws Exception {
        PrometheusRegistry registry = ProcessMetrics.newRegistryWithJvmMetrics();
        Counter scrapes = Counter.builder().name("test_scrapes_total").help("scrapes").register(registry);
        scrapes.inc(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        Health health = new Health().addReadiness(HealthCheck.of("first-scrape",
                () -> ready.get() ? HealthCheck.Result.passed() : HealthCheck.Result.failed("no scrape yet")));

        try (OpsServer server = OpsServer.start("127.0.0.1", 0, registry, health)) {
            HttpResponse<String> metrics = get(server, "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("test_scrapes_total 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics registered");

            HttpResponse<String> openMetrics = get(server, "/metrics",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("application/openmetrics-text"));
            assertTrue(openMetrics.body().endsWith("# EOF\n"));

            assertEquals(200, get(server, "/livez", null).statusCode());
            HttpResponse<String> notReady = get(server, "/readyz", null);
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("[-]first-scrape failed: no scrape yet"), notReady.body());

            ready.set(true);
            HttpResponse<String> nowReady = get(server, "/readyz", null);
            assertEquals(200, nowReady.statusCode());
            assertEquals("ok", nowReady.body());
            assertTrue(get(server, "/readyz?verbose", null).body().contains("[+]first-scrape ok"));
        }
    }
}
