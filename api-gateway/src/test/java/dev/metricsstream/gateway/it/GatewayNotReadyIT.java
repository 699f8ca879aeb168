package dev.metricsstream.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.tls.TlsMaterial;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Kafka the gateway starts, answers probes, says why it is not ready, and serves no partial data. */
class GatewayNotReadyIT {

    @Test
    void without_kafka_the_gateway_serves_probes_and_is_not_ready(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "it");
        tls.writeTo(dir.resolve("certs"));
        GatewayConfig config = GatewayConfig.from(Map.of("AUTH_MODE", "off", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort,
                "STATE_DIR", dir.resolve("state").toString(), "BIND_ADDRESS", "127.0.0.1", "HTTPS_PORT", "0",
                "TLS_CERT_DIR", dir.resolve("certs").toString()));

        try (GatewayApp gateway = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> GatewayApp.start(config, GatewayApp.Deps.production()))) {
            HttpClient http = HttpClient.newBuilder().sslContext(TestGateway.trusting(tls)).build();
            String base = "https://localhost:" + gateway.httpsPort();
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
            // not restored: the metrics API says so instead of answering an empty list; discovery is served
            for (String version : List.of("v1beta1", "v1")) {
                String api = base + "/apis/metrics.k8s.io/" + version;
                for (String path : List.of("/nodes", "/nodes/node-1", "/pods", "/namespaces/default/pods",
                        "/namespaces/default/pods/web-1")) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(503, answer.statusCode(), path + ": " + answer.body());
                    assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
                    JsonNode status = new ObjectMapper().readTree(answer.body());
                    assertEquals("Status", status.get("kind").asText());
                    assertEquals("Failure", status.get("status").asText());
                    assertEquals("ServiceUnavailable", status.get("reason").asText());
                    assertEquals(503, status.get("code").asInt());
                    assertTrue(status.get("message").asText().startsWith("the metrics store is not restored yet"),
                            answer.body());
                }
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(api)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "discovery of " + version);
            }
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/apis")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
