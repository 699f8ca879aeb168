package dev.metricsstream.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.testkit.metrics.ScrapedSamples;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts use {@code increase()}/{@code rate()}: a labelled series that appears only with the first event starts at
 * the post-incident value. Scraped right after start, the gateway's labelled counters show every known label value
 * at 0 (no Kafka needed: nothing has been read yet).
 */
class LabelledCountersStartAtZeroIT {

    @TempDir
    Path dir;

    @Test
    void every_known_label_value_is_exposed_at_zero_right_after_start() throws Exception {
        int closedPort = freePort();
        int httpPort = freePort();
        GatewayConfig config = GatewayConfig.from(Map.of("AUTH_MODE", "off",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort, "STATE_DIR", dir.resolve("state").toString(),
                "BIND_ADDRESS", "127.0.0.1", "HTTPS_PORT", "0", "HTTP_PORT", Integer.toString(httpPort)));
        try (GatewayApp gateway = GatewayApp.start(config, GatewayApp.Deps.production())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + httpPort;
            http.send(HttpRequest.newBuilder(URI.create(base + "/apis/metrics.k8s.io/v1beta1/pods")).build(),
                    HttpResponse.BodyHandlers.discarding());
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            ScrapedSamples samples = ScrapedSamples.parse(body);

            List<String> missing = new ArrayList<>();
            for (String kind : List.of("node", "pod")) {
                expectZero(samples, missing, "metrics_stream_gateway_stale_items_skipped_total", "kind", kind);
            }
            for (String topic : List.of("node-usage", "node-metrics-windows",
                    "pod-metrics-windows")) {
                for (String reason : List.of("null-key", "key-mismatch", "key-not-namespace/name", "bad-header",
                        "unknown-schema", "truncated", "too-large", "malformed")) {
                    expectZero(samples, missing, "metrics_stream_gateway_records_dropped_total", "topic", topic,
                            "reason", reason);
                }
            }
            assertTrue(missing.isEmpty(), "not exposed at 0: " + missing + "\n" + body);
            // a requested route's 5xx series (what the error alert sums) exist from its first request on
            List<String> pods5xx = samples.all().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("metrics_stream_gateway_requests_total{")
                            && e.getKey().contains("/pods") && e.getKey().contains("method=\"GET\"")
                            && (e.getKey().contains("code=\"500\"") || e.getKey().contains("code=\"503\"")))
                    .map(e -> e.getKey() + "=" + e.getValue()).toList();
            assertEquals(2, pods5xx.size(), body);
            // Kafka is unreachable, so the store never restores and that first request itself was answered 503
            assertTrue(pods5xx.stream().anyMatch(s -> s.contains("code=\"500\"") && s.endsWith("=0.0")),
                    pods5xx.toString());
            assertTrue(pods5xx.stream().anyMatch(s -> s.contains("code=\"503\"") && s.endsWith("=1.0")),
                    pods5xx.toString());
        }
    }

    private static void expectZero(ScrapedSamples samples, List<String> missing, String name, String... labels) {
        Double value = samples.get(name, labels);
        if (value == null || value != 0.0) {
            missing.add(ScrapedSamples.key(name, labels) + "=" + value);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
