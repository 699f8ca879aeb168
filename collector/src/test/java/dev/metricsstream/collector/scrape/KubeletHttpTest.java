package dev.metricsstream.collector.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.testing.FakeKubelet;
import dev.metricsstream.testkit.tls.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletHttpTest {
    private static final TestPki.Issued KUBELET_TLS = TestPki.selfSignedServer("kubelet", "localhost", "127.0.0.1");
    @TempDir
    Path dir;
    private FakeKubelet kubelet;

    @BeforeEach
    void start() throws Exception {
        kubelet = new FakeKubelet(KUBELET_TLS).respond("/metrics/resource", "node_cpu_usage_seconds_total 1 1\n");
    }

    @AfterEach
    void stop() {
        kubelet.close();
    }

    private KubeletHttp http(SSLContext tls, BearerToken token, Duration timeout, long maxBytes) {
        return new KubeletHttp(tls, token, timeout, maxBytes);
    }

    private KubeletHttp verified() throws Exception {
        return http(TlsContexts.trusting(KUBELET_TLS.writePem(dir)), BearerToken.none(), Duration.ofSeconds(5),
                1 << 20);
    }

    private static String read(KubeletHttp http, java.net.URI uri) throws ScrapeException {
        return http.get(uri, "text/plain", in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void the_kubelet_certificate_is_verified_against_the_configured_ca() throws Exception {
        String body = read(verified(), kubelet.baseUrl().resolve("/metrics/resource"));
        assertEquals("node_cpu_usage_seconds_total 1 1\n", body);
    }

    @Test
    void a_kubelet_certificate_from_another_ca_is_refused() throws Exception {
        Path otherCa = TestPki.selfSignedServer("someone-else", "localhost", "127.0.0.1").writePem(dir);
        KubeletHttp http = http(TlsContexts.trusting(otherCa), BearerToken.none(), Duration.ofSeconds(5), 1 << 20);

        ScrapeException e = assertThrows(ScrapeException.class,
                () -> read(http, kubelet.baseUrl().resolve("/metrics/resource")));
        assertEquals("tls", e.reason());
    }

    @Test
    void insecure_tls_accepts_any_certificate_when_explicitly_chosen() throws Exception {
        KubeletHttp http = http(TlsContexts.insecure(), BearerToken.none(), Duration.ofSeconds(5), 1 << 20);
        assertEquals("node_cpu_usage_seconds_total 1 1\n",
                read(http, kubelet.baseUrl().resolve("/metrics/resource")));
    }

    @Test
    void a_rotated_token_is_read_again_when_its_file_changes_and_after_a_401() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "old-token\n");
        FileTime firstWrite = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(tokenFile, firstWrite);
        KubeletHttp http = http(TlsContexts.insecure(), new BearerToken(tokenFile), Duration.ofSeconds(5), 1 << 20);
        kubelet.requireToken("old-token");
        read(http, kubelet.baseUrl().resolve("/metrics/resource"));

        // rotated in place with the same mtime: only the kubelet's 401 reveals it, and one retry picks it up
        Files.writeString(tokenFile, "new-token\n");
        Files.setLastModifiedTime(tokenFile, firstWrite);
        kubelet.requireToken("new-token");
        read(http, kubelet.baseUrl().resolve("/metrics/resource"));

        // rotated with a new mtime: picked up before the request
        Files.writeString(tokenFile, "newest-token\n");
        Files.setLastModifiedTime(tokenFile, FileTime.fromMillis(2_000_000_000_000L));
        kubelet.requireToken("newest-token");
        read(http, kubelet.baseUrl().resolve("/metrics/resource"));

        assertEquals(List.of("Bearer old-token", "Bearer old-token", "Bearer new-token", "Bearer newest-token"),
                kubelet.authorizations());
    }

    @Test
    void an_endless_response_is_cut_at_the_size_cap_while_reading() throws Exception {
        kubelet.endless();
        KubeletHttp http = http(TlsContexts.insecure(), BearerToken.none(), Duration.ofSeconds(20), 1 << 20);

        ScrapeException e = assertThrows(ScrapeException.class,
                () -> read(http, kubelet.baseUrl().resolve("/metrics/resource")));
        assertEquals("response_too_large", e.reason());
    }

    @Test
    void a_hanging_kubelet_fails_with_timeout() throws Exception {
        kubelet.hang();
        KubeletHttp http = http(TlsContexts.insecure(), BearerToken.none(), Duration.ofMillis(300), 1 << 20);

        ScrapeException e = assertThrows(ScrapeException.class,
                () -> read(http, kubelet.baseUrl().resolve("/metrics/resource")));
        assertEquals("timeout", e.reason());
    }

    @Test
    void a_body_that_stops_arriving_fails_with_timeout_at_the_request_deadline() throws Exception {
        kubelet.stallBody();
        KubeletHttp http = http(TlsContexts.insecure(), BearerToken.none(), Duration.ofMillis(500), 1 << 20);

        ScrapeException e = assertThrows(ScrapeException.class,
                () -> read(http, kubelet.baseUrl().resolve("/metrics/resource")));
        assertEquals("timeout", e.reason());
    }

    @Test
    void a_non_200_answer_is_a_failure_named_by_its_status() throws Exception {
        ScrapeException e = assertThrows(ScrapeException.class,
                () -> read(verified(), kubelet.baseUrl().resolve("/stats/summary")));
        assertEquals("http_404", e.reason());
    }
}
