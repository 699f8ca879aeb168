package dev.metricsstream.gateway.support;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.auth.AuthFilter;
import dev.metricsstream.gateway.history.HistoryRetention;
import dev.metricsstream.gateway.history.WindowHistory;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A gateway on loopback (HTTPS with a fresh self-signed certificate, plus plain HTTP) over a given store. */
public final class TestGateway implements AutoCloseable {
    public final InMemoryMetricsStore store;
    public final AtomicLong nowMillis;
    public final TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "test");
    public final PrometheusRegistry registry = new PrometheusRegistry();
    public final WindowHistory history = new WindowHistory(HistoryRetention.parse(HistoryRetention.DEFAULT,
            Durations::parse));
    public final GatewayServer server;
    private final HttpClient http;

    public TestGateway(InMemoryMetricsStore store, long nowMillis) {
        this(store, store, nowMillis);
    }

    public TestGateway(InMemoryMetricsStore store, MetricsStoreReader reader, long nowMillis) {
        this.store = store;
        this.nowMillis = new AtomicLong(nowMillis);
        Health health = new Health().addReadiness(HealthCheck.of("metrics-store", HealthCheck.Result::passed));
        server = GatewayServer.start(new Serving("127.0.0.1", 0, 0, tls),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(reader, () -> Instant.ofEpochMilli(this.nowMillis.get()),
                        AuthFilter.NONE, registry, health, history));
        http = HttpClient.newBuilder().sslContext(trusting(tls)).build();
    }

    public static SSLContext trusting(TlsMaterial tls) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway", tls.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String httpsBase() {
        return "https://localhost:" + server.httpsPort();
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(httpsBase() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(httpsBase() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> getPlain(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
    }
}
