package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw requests over real sockets: request lines and headers as long as the kube-apiserver accepts, and every error
 * Jetty answers by itself as a Kubernetes Status JSON (never its HTML page).
 */
class JettyErrorsTest {
    static final long NOW = Instant.parse("2026-11-21T21:00:00Z").toEpochMilli();
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int ONE_MIB = 1 << 20;
    static final TlsMaterial TLS = TlsMaterial.selfSigned("metrics-stream-gateway", "test");
    static GatewayServer server;

    @BeforeAll
    static void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore()
                .putPod(pod("shop", "web-1", "node-a", Map.of("app", "web"), NOW - 5_000, container("c", 1_000L, 1024L)));
        // a failure that escapes Javalin's exception mapping (an Error, not an Exception) reaches Jetty's handler
        server = GatewayServer.start(new Serving("127.0.0.1", 0, 0, TLS),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(store, InstantSource.fixed(Instant.ofEpochMilli(NOW)), ctx -> {
                    if (ctx.path().equals("/version") && "boom".equals(ctx.queryParam("fail"))) {
                        throw new AssertionError("a failure outside the routes' exception mapping");
                    }
                }, new PrometheusRegistry(), new Health()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Raw(int code, Map<String, String> headers, String body) {
        JsonNode status() throws IOException {
            assertEquals("application/json", headers.get("content-type"), "a Status, not a page: " + body);
            assertFalse(body.contains("<html") || body.contains("<HTML"), body);
            JsonNode json = MAPPER.readTree(body);
            assertEquals("Status", json.get("kind").asText(), body);
            assertEquals("v1", json.get("apiVersion").asText(), body);
            assertEquals("Failure", json.get("status").asText(), body);
            assertEquals(code, json.get("code").asInt(), body);
            return json;
        }
    }

    /** Sends the bytes as they are (written on their own thread: the server may answer before reading them all). */
    static Raw send(Socket socket, byte[] request) throws Exception {
        try (socket) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before taking the whole request: its answer is what we check
                }
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                // a reset after the answer (the rest of our request was never read): keep what arrived
            }
            writing.join();
            return parse(received.toString(StandardCharsets.ISO_8859_1));
        }
    }

    static Raw parse(String response) {
        int end = response.indexOf("\r\n\r\n");
        assertTrue(end > 0, "an HTTP response: " + response);
        String[] lines = response.substring(0, end).split("\r\n");
        int code = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = response.substring(end + 4);
        if ("chunked".equals(headers.get("transfer-encoding"))) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Raw(code, headers, body);
    }

    static Raw plain(String head) throws Exception {
        return plain(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Raw plain(byte[] request) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
        return send(socket, request);
    }

    static Raw tls(String head) throws Exception {
        SSLSocket socket = (SSLSocket) TestGateway.trusting(TLS).getSocketFactory()
                .createSocket("127.0.0.1", server.httpsPort());
        socket.startHandshake();
        return send(socket, head.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String get(String target, String... extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + String.join("", extraHeaders) + "\r\n";
    }

    /** A valid label selector of about {@code bytes} bytes: {@code app in (web, v0000001, v0000002, ...)}. */
    static String longSelector(int bytes) {
        StringBuilder values = new StringBuilder("web");
        for (int i = 0; values.length() < bytes; i++) {
            values.append("%2Cv").append(String.format("%07d", i));
        }
        return "app+in+%28" + values + "%29";
    }

    @Test
    void a_list_with_a_100_kib_label_selector_is_answered_like_any_list() throws Exception {
        String path = "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=" + longSelector(100 * 1024);
        assertTrue(path.length() > 100 * 1024, "the request line is over 100 KiB");

        for (Raw answer : new Raw[] {plain(get(path)), tls(get(path))}) {
            assertEquals(200, answer.code(), answer.body());
            JsonNode list = MAPPER.readTree(answer.body());
            assertEquals("PodMetricsList", list.get("kind").asText());
            assertEquals("web-1", list.at("/items/0/metadata/name").asText(), answer.body());
        }
    }

    @Test
    void a_request_line_over_one_mib_is_a_414_status() throws Exception {
        Raw answer = plain(get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=" + longSelector(ONE_MIB + 1024)));

        assertEquals(414, answer.code(), answer.body());
        JsonNode status = answer.status();
        assertTrue(status.get("message").asText().contains("URI is too long"), answer.body());
    }

    @Test
    void headers_over_one_mib_are_a_431_status() throws Exception {
        String big = "X-Filler: " + "a".repeat(ONE_MIB + 1024) + "\r\n";

        Raw answer = plain(get("/apis/metrics.k8s.io/v1beta1/pods", big));

        assertEquals(431, answer.code(), answer.body());
        assertTrue(answer.status().get("message").asText().contains("headers are too large"), answer.body());
    }

    @Test
    void a_request_line_that_does_not_parse_is_a_400_status() throws Exception {
        for (String request : new String[] {"GARBAGE\r\n\r\n", "GET /apis HTTP/1.1 extra\r\nHost: x\r\n\r\n",
                "GET /apis HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"}) {
            Raw answer = plain(request);

            assertEquals(400, answer.code(), request + " → " + answer.body());
            assertEquals("BadRequest", answer.status().get("reason").asText());
        }
    }

    @Test
    void an_ambiguous_or_malformed_uri_is_a_400_status() throws Exception {
        for (String target : new String[] {"/apis/%2e%2e/%2e%2e/etc", "/apis/%zz"}) {
            Raw answer = tls(get(target));

            assertEquals(400, answer.code(), target + " → " + answer.body());
            assertEquals("BadRequest", answer.status().get("reason").asText());
        }
    }

    @Test
    void a_failure_outside_the_routes_exception_mapping_is_a_500_status_without_a_stack_trace() throws Exception {
        Raw answer = tls(get("/version?fail=boom"));

        assertEquals(500, answer.code(), answer.body());
        JsonNode status = answer.status();
        assertEquals("InternalError", status.get("reason").asText());
        assertFalse(answer.body().contains("AssertionError") || answer.body().contains("at dev."), answer.body());
    }

    @Test
    void unknown_paths_and_methods_are_statuses() throws Exception {
        Raw notFound = plain(get("/no/such/path"));
        assertEquals(404, notFound.code());
        assertEquals("NotFound", notFound.status().get("reason").asText());

        Raw delete = plain("DELETE /apis/metrics.k8s.io/v1beta1/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(405, delete.code(), delete.body());
        delete.status();

        Raw unknownMethod = plain("BREW /apis HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(unknownMethod.code() >= 400, unknownMethod.body());
        unknownMethod.status();

        Raw badVersion = plain("GET /apis HTTP/7.0\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(badVersion.code() >= 400, badVersion.body());
        badVersion.status();
    }
}
