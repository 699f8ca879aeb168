package dev.metricsstream.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.auth.AuthFilter;
import dev.metricsstream.gateway.http.StatusResponses;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import io.javalin.http.Handler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.metricsstream.gateway.GatewayRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingTlsTest {

    private static GatewayServer start(TlsMaterial tls, Handler authFilter) {
        return GatewayServer.start(new Serving("127.0.0.1", 0, -1, tls),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(new InMemoryMetricsStore(), InstantSource.system(), authFilter,
                        new PrometheusRegistry(), new Health()));
    }

    private static HttpResponse<String> get(SSLContext context, String url) throws Exception {
        return HttpClient.newBuilder().sslContext(context).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_self_signed_certificate_names_localhost_loopback_and_the_service() throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "monitoring");

        List<String> names = tls.certificate().getSubjectAlternativeNames().stream()
                .map(name -> name.get(1).toString()).toList();

        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1", "metrics-stream-gateway",
                "metrics-stream-gateway.monitoring", "metrics-stream-gateway.monitoring.svc")), names.toString());
    }

    @Test
    void a_certificate_from_the_cert_dir_is_served(@TempDir Path dir) throws Exception {
        TlsMaterial written = TlsMaterial.selfSigned("from-dir", "ns");
        written.writeTo(dir);
        TlsMaterial loaded = TlsMaterial.fromCertDir(dir);

        try (GatewayServer server = start(loaded, AuthFilter.NONE)) {
            HttpResponse<String> response = get(TestGateway.trusting(written), "https://localhost:" + server.httpsPort() + "/apis");
            assertEquals(200, response.statusCode());
        }
        assertEquals(written.certificate(), loaded.certificate());
    }

    @Test
    void client_certificates_are_requested_not_required_and_reach_the_auth_seam() throws Exception {
        TlsMaterial serving = TlsMaterial.selfSigned("metrics-stream-gateway", "test");
        TlsMaterial client = TlsMaterial.selfSigned("front-proxy-client", "kube-system");
        AtomicReference<String> seen = new AtomicReference<>("none");
        Handler filter = ctx -> {
            Object certificates = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
            seen.set(certificates instanceof X509Certificate[] chain && chain.length > 0
                    ? chain[0].getSubjectX500Principal().getName() : "none");
            if (ctx.path().startsWith("/apis/metrics.k8s.io/v1beta1/nodes") && seen.get().equals("none")) {
                StatusResponses.send(ctx, new ApiStatus(401, "Unauthorized", "Unauthorized", null));
                ctx.skipRemainingHandlers();
            }
        };

        try (GatewayServer server = start(serving, filter)) {
            String base = "https://localhost:" + server.httpsPort();
            HttpResponse<String> anonymous = get(TestGateway.trusting(serving), base + "/apis/metrics.k8s.io/v1beta1/nodes");
            assertEquals(401, anonymous.statusCode());
            assertEquals("none", seen.get());

            HttpResponse<String> withCertificate = get(withClientCertificate(serving, client),
                    base + "/apis/metrics.k8s.io/v1beta1/nodes");
            assertEquals(200, withCertificate.statusCode(), withCertificate.body());
            assertTrue(seen.get().contains("front-proxy-client"), seen.get());
        }
    }

    private static SSLContext withClientCertificate(TlsMaterial serving, TlsMaterial client) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keyStore = client.keyStore();
        keys.init(keyStore, TlsMaterial.KEYSTORE_PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("gateway", serving.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
