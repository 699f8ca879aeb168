package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, TLS and the failure modes, over real sockets. */
class KubeletSimulatorAccessTest {

    private static KubeletSimulator sim;
    private static SimNode node;
    private static HttpClient trusting;

    @BeforeAll
    static void start() {
        sim = KubeletSimulator.builder().nodes(2).podsPerNode(5).seed(1).clock(SimClock.fixed()).token("s3cret")
                .build().start();
        node = sim.nodes().get(0);
        trusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sim.clientSslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void back_to_normal() {
        for (SimNode n : sim.nodes()) {
            n.setMode(NodeMode.OK);
        }
    }

    @Test
    void requests_without_or_with_a_wrong_token_get_401_unauthorized() throws Exception {
        for (String path : new String[] {"/metrics/resource", "/stats/summary", "/pods", "/healthz"}) {
            HttpResponse<String> none = send(trusting, request(path, null));
            assertEquals(401, none.statusCode(), path);
            assertEquals("Unauthorized", none.body());
            assertEquals(401, send(trusting, request(path, "wrong")).statusCode(), path);
            assertEquals(200, send(trusting, request(path, "s3cret")).statusCode(), path);
        }
        assertTrue(node.requestCount("/pods") >= 3, "requests are counted per path");
    }

    @Test
    void a_client_trusting_the_simulators_ca_connects_and_one_that_does_not_fails_the_handshake() throws Exception {
        assertEquals(200, send(trusting, request("/healthz", "s3cret")).statusCode());
        HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        IOException failure = assertThrows(IOException.class,
                () -> defaultTrust.send(request("/healthz", "s3cret"), HttpResponse.BodyHandlers.ofString()));
        assertTrue(hasCause(failure, SSLHandshakeException.class), failure.toString());
        assertTrue(sim.caCertificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(node.baseUrl().startsWith("https://127.0.0.1:"));
    }

    @Test
    void the_ca_written_as_pem_verifies_the_serving_certificate(@TempDir Path dir) throws Exception {
        Path pem = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        var factory = java.security.cert.CertificateFactory.getInstance("X.509");
        var ca = (java.security.cert.X509Certificate) factory.generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(pem)));
        sim.servingCertificate().verify(ca.getPublicKey());
        assertEquals(sim.caCertificate(), ca);
    }

    @Test
    void a_silent_node_makes_a_client_with_a_one_second_timeout_time_out() throws Exception {
        node.setMode(NodeMode.SILENT);
        HttpRequest request = HttpRequest.newBuilder(node.uri("/metrics/resource")).timeout(Duration.ofSeconds(1))
                .header("Authorization", "Bearer s3cret").build();
        assertThrows(HttpTimeoutException.class, () -> trusting.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(200, send(trusting, request("/metrics/resource", "s3cret", sim.nodes().get(1))).statusCode(),
                "the other node still answers");
        node.setMode(NodeMode.OK);
        assertEquals(200, send(trusting, request("/metrics/resource", "s3cret")).statusCode());
    }

    @Test
    void a_response_delay_longer_than_the_client_timeout_makes_it_time_out() throws Exception {
        node.setResponseDelay(Duration.ofSeconds(3));
        try {
            HttpRequest request = HttpRequest.newBuilder(node.uri("/healthz")).timeout(Duration.ofSeconds(1))
                    .header("Authorization", "Bearer s3cret").build();
            assertThrows(HttpTimeoutException.class,
                    () -> trusting.send(request, HttpResponse.BodyHandlers.ofString()));
        } finally {
            node.setResponseDelay(Duration.ZERO);
        }
        assertEquals(200, send(trusting, request("/healthz", "s3cret")).statusCode());
    }

    @Test
    void fixed_ports_put_node_i_on_base_port_plus_i() throws Exception {
        int base = twoFreeConsecutivePorts();
        try (KubeletSimulator fixed = KubeletSimulator.builder().nodes(2).podsPerNode(1).tls(false).basePort(base)
                .build().start()) {
            assertEquals(base, fixed.nodes().get(0).port());
            assertEquals(base + 1, fixed.nodes().get(1).port());
            assertEquals("ok", new Scraper(fixed).body(fixed.nodes().get(1), "/healthz"));
        }
    }

    @Test
    void a_down_node_refuses_connections_and_comes_back_on_the_same_port() throws Exception {
        int port = node.port();
        node.setMode(NodeMode.DOWN);
        assertThrows(ConnectException.class,
                () -> trusting.send(request("/healthz", "s3cret"), HttpResponse.BodyHandlers.ofString()));
        node.setMode(NodeMode.OK);
        assertEquals(port, node.port());
        assertEquals("ok", send(trusting, request("/healthz", "s3cret")).body());
    }

    @Test
    void http_500_mode_answers_internal_errors() throws Exception {
        node.setMode(NodeMode.HTTP_500);
        for (String path : new String[] {"/metrics/resource", "/stats/summary", "/pods"}) {
            HttpResponse<String> response = send(trusting, request(path, "s3cret"));
            assertEquals(500, response.statusCode(), path);
            assertTrue(response.body().startsWith("Internal Error: "), response.body());
        }
        assertEquals(200, send(trusting, request("/healthz", "s3cret")).statusCode());
    }

    @Test
    void scrape_error_mode_reports_the_scrape_error_family_set_to_one() throws Exception {
        node.setMode(NodeMode.SCRAPE_ERROR);
        HttpResponse<String> metrics = send(trusting, request("/metrics/resource", "s3cret"));
        assertEquals(200, metrics.statusCode());
        assertEquals("""
                # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
                # TYPE resource_scrape_error gauge
                resource_scrape_error 1
                """, metrics.body());
        node.setFormat(ResourceMetricsFormat.ALPHA_2024);
        try {
            assertTrue(send(trusting, request("/metrics/resource", "s3cret")).body().endsWith("\nscrape_error 1\n"));
        } finally {
            node.setFormat(ResourceMetricsFormat.STABLE);
        }
        assertEquals(500, send(trusting, request("/stats/summary", "s3cret")).statusCode());
        assertEquals(200, send(trusting, request("/pods", "s3cret")).statusCode());
    }

    @Test
    void truncated_mode_cuts_the_body_inside_a_line() throws Exception {
        String whole = send(trusting, request("/metrics/resource", "s3cret")).body();
        node.setMode(NodeMode.TRUNCATED);
        String cut = send(trusting, request("/metrics/resource", "s3cret")).body();
        assertTrue(cut.length() < whole.length() && cut.length() > whole.length() / 2);
        assertFalse(cut.endsWith("\n"), "the last line is incomplete");
        String summary = send(trusting, request("/stats/summary", "s3cret")).body();
        assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readTree(summary));
    }

    @Test
    void garbage_mode_answers_200_with_bytes_that_are_no_exposition() throws Exception {
        node.setMode(NodeMode.GARBAGE);
        HttpResponse<byte[]> response = trusting.send(request("/metrics/resource", "s3cret"),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().length >= 64 * 1024);
        String text = new String(response.body(), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("container_cpu_usage_seconds_total"));
    }

    @Test
    void metrics_are_gzip_compressed_when_the_client_accepts_it() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.uri("/metrics/resource"))
                .header("Authorization", "Bearer s3cret").header("Accept-Encoding", "gzip").build();
        HttpResponse<byte[]> response = trusting.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElse(""));
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("\nresource_scrape_error 0\n"));
        }
    }

    @Test
    void plain_http_is_available_when_tls_is_off() throws Exception {
        try (KubeletSimulator plain = KubeletSimulator.builder().nodes(1).podsPerNode(1).tls(false).build().start()) {
            assertTrue(plain.nodes().get(0).baseUrl().startsWith("http://127.0.0.1:"));
            assertEquals("ok", new Scraper(plain).body(plain.nodes().get(0), "/healthz"));
            assertThrows(IllegalStateException.class, plain::caCertificatePem);
        }
    }

    @Test
    void closing_the_simulator_releases_every_port_and_held_request() throws Exception {
        KubeletSimulator closing = KubeletSimulator.builder().nodes(3).podsPerNode(1).tls(false).build().start();
        SimNode first = closing.nodes().get(0);
        assertEquals(3, closing.nodes().stream().map(SimNode::port).distinct().count(), "one port per node");
        first.setMode(NodeMode.SILENT);
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var held = plain.sendAsync(HttpRequest.newBuilder(first.uri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        closing.close();
        ExecutionException dropped = assertThrows(ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, dropped.getCause(), "the held request ends with an I/O error");
        for (SimNode n : closing.nodes()) {
            assertThrows(ConnectException.class, () -> plain.send(HttpRequest.newBuilder(n.uri("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static int twoFreeConsecutivePorts() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket first = new ServerSocket(0)) {
                int port = first.getLocalPort();
                if (port < 65535) {
                    try (ServerSocket second = new ServerSocket(port + 1)) {
                        return port;
                    } catch (IOException taken) {
                        // try another pair
                    }
                }
            }
        }
        throw new IOException("no two consecutive free ports found");
    }

    private static HttpRequest request(String path, String token) {
        return request(path, token, node);
    }

    private static HttpRequest request(String path, String token, SimNode target) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.uri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
