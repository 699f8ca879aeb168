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

/**
 * What every ops port answers, over a real socket: {@code /metrics} in the asked format and the named probes. Each
 * implementation (the services' {@link OpsServer}, the collector's own) runs it by extending this class.
 */
public abstract class OpsPortContract {
    private final HttpClient http = HttpClient.newHttpClient();

    /** A started ops port on the loopback: the port it bound and the server that closes it. */
    public record Port(int port, AutoCloseable server) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    /** Starts the implementation under test on {@code 127.0.0.1}, port 0. */
    protected abstract Port start(PrometheusRegistry registry, Health health);

    /** One request to {@code port}, with an {@code Accept} header unless null. */
    protected final HttpResponse<String> send(int port, String method, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
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

        try (Port server = start(registry, health)) {
            int port = server.port();
            HttpResponse<String> metrics = send(port, "GET", "/metrics", null);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("test_scrapes_total 3.0"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics registered");

            HttpResponse<String> openMetrics = send(port, "GET", "/metrics",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertTrue(openMetrics.headers().firstValue("Content-Type").orElseThrow()
                    .startsWith("application/openmetrics-text"));
            assertTrue(openMetrics.body().endsWith("# EOF\n"));

            assertEquals(200, send(port, "GET", "/livez", null).statusCode());
            assertEquals("ok", send(port, "GET", "/healthz", null).body());
            HttpResponse<String> notReady = send(port, "GET", "/readyz", null);
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("[-]first-scrape failed: no scrape yet"), notReady.body());

            ready.set(true);
            HttpResponse<String> nowReady = send(port, "GET", "/readyz", null);
            assertEquals(200, nowReady.statusCode());
            assertEquals("ok", nowReady.body());
            assertTrue(send(port, "GET", "/readyz?verbose", null).body().contains("[+]first-scrape ok"));
        }
    }
}
