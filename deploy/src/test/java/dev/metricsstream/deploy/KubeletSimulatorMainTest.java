package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.KubeletSimulatorMain;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose file's kubelet simulator: what it writes is exactly what the collector is configured with there. */
class KubeletSimulatorMainTest {

    @Test
    void the_simulator_process_writes_ca_token_and_targets_that_a_collector_config_and_an_https_client_accept(
            @TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("NODES", "2", "PODS_PER_NODE", "3", "BASE_PORT", "0", "TOKEN", "tok-1",
                "BIND_ADDRESS", "127.0.0.1", "CERT_NAMES", "localhost");
        try (KubeletSimulator sim = KubeletSimulatorMain.start(env)) {
            KubeletSimulatorMain.writeOutputs(sim, dir, "tok-1", "localhost");
            String targets = Files.readString(dir.resolve("targets"));
            assertEquals(2, targets.split(",").length, targets);
            assertTrue(targets.startsWith("sim-worker-1=https://localhost:"), targets);
            assertEquals("tok-1", Files.readString(dir.resolve("token")));

            CollectorConfig config = CollectorConfig.from(Map.of("KUBELET_TARGETS", targets,
                    "KUBELET_CA_FILE", dir.resolve("ca.crt").toString(), "TOKEN_FILE", dir.resolve("token").toString(),
                    "METADATA_SOURCE", "kubelet", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9"));
            assertEquals(2, config.targets().size());

            HttpClient client = HttpClient.newBuilder().sslContext(trusting(dir.resolve("ca.crt"))).build();
            URI first = URI.create(targets.split(",")[0].split("=", 2)[1] + "/metrics/resource");
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(first).header("Authorization",
                    "Bearer tok-1").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("container_cpu_usage_seconds_total"), ok.body());
            HttpResponse<String> denied = client.send(HttpRequest.newBuilder(first).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, denied.statusCode());
        }
    }

    @Test
    void a_bad_number_is_one_clear_error() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KubeletSimulatorMain.start(Map.of("NODES", "three")));
        assertEquals("NODES must be a whole number, got 'three'", e.getMessage());
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
