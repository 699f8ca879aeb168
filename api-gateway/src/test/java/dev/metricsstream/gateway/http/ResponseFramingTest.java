package dev.metricsstream.gateway.http;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a body is framed: one that fits the 64 KiB buffer carries its Content-Length (sent in one write with the
 * headers), a larger one streams chunked; the body is whole either way, compressed or not.
 */
class ResponseFramingTest {
    static final long NOW = Instant.parse("2026-11-21T21:00:00Z").toEpochMilli();
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int BIG_PODS = 400; // ~400 bytes each: a list of ~160 KB, well past the buffer
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        InMemoryMetricsStore store = new InMemoryMetricsStore();
        for (int i = 0; i < BIG_PODS; i++) {
            store.putPod(pod("big", String.format(Locale.ROOT, "web-%04d", i), "node-a",
                    Map.of("app", i % 20 == 0 ? "hpa" : "web", "pod-template-hash", "7d9f8b6c5d"), NOW - 5_000,
                    container("nginx", 5_000_000L + i, 20_000L * 1024), container("istio-proxy", 1_000L, 1000L)));
        }
        gateway = new TestGateway(store, NOW);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void a_small_answer_carries_its_content_length() throws Exception {
        HttpResponse<byte[]> response = gateway.getBytes(
                "/apis/metrics.k8s.io/v1beta1/namespaces/big/pods?labelSelector=app%3Dhpa");

        assertEquals(200, response.statusCode());
        assertEquals(String.valueOf(response.body().length),
                response.headers().firstValue("Content-Length").orElseThrow());
        assertFalse(response.headers().firstValue("Transfer-Encoding").isPresent());
        assertEquals(BIG_PODS / 20, MAPPER.readTree(response.body()).get("items").size());
        assertEquals('\n', response.body()[response.body().length - 1]);
    }

    @Test
    void an_answer_larger_than_the_buffer_streams_chunked_and_whole() throws Exception {
        HttpResponse<byte[]> response = gateway.getBytes("/apis/metrics.k8s.io/v1beta1/namespaces/big/pods");

        assertEquals(200, response.statusCode());
        assertTrue(response.body().length > 64 * 1024, "body of " + response.body().length + " bytes");
        assertFalse(response.headers().firstValue("Content-Length").isPresent());
        assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElseThrow());
        assertEquals(BIG_PODS, MAPPER.readTree(response.body()).get("items").size());
    }

    @Test
    void a_small_gzipped_answer_carries_the_compressed_length() throws Exception {
        HttpResponse<byte[]> response = gateway.getBytes(
                "/apis/metrics.k8s.io/v1beta1/namespaces/big/pods?labelSelector=app%3Dhpa", "Accept-Encoding", "gzip");

        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals(String.valueOf(response.body().length),
                response.headers().firstValue("Content-Length").orElseThrow());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertEquals(BIG_PODS / 20, MAPPER.readTree(in.readAllBytes()).get("items").size());
        }
    }
}
