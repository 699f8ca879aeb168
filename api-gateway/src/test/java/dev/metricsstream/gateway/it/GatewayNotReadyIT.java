package dev.metricsstream.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayMain;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.tls.TlsMaterial;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Kafka the gateway starts, answers probes, and says why it is not ready. */
class GatewayNotReadyIT {

    @Test
    void without_kafka_the_gateway_serves_probes_and_is_not_ready(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "it");
        tls.writeTo(dir.resolve("certs"));
        GatewayConfig config = GatewayConfig.fromEnv(Map.of("AUTH_MODE", "off", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort,
                "STATE_DIR", dir.resolve("state").toString(), "BIND_ADDRESS", "127.0.0.1", "HTTPS_PORT", "0",
                "TLS_CERT_DIR", dir.resolve("certs").toString()));

        try (GatewayMain gateway = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> GatewayMain.start(config))) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestGateway.trusting(tls)).build();
            String base = "https://localhost:" + gateway.server().httpsPort();
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("[-]metrics-stores-restored failed: waiting for Kafka and the topics"), ready.body());
            // once the first attempt has failed, the probe says why
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(
                    URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).body(),
                    body -> body.contains("TimeoutException") || body.contains("Exception:"));
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> nodes = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/apis/metrics.k8s.io/v1beta1/nodes")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, nodes.statusCode());
            assertTrue(nodes.body().contains("\"items\":[]"), nodes.body());
        }
    }
}
