package dev.metricsstream.collector.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.testing.FakeKubelet;
import dev.metricsstream.testkit.tls.TestPki;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's serving certificate is checked for the name the collector dials (the node IP or hostname), not only
 * for its issuer: a certificate the cluster CA signed for another node is refused.
 */
class KubeletServingCertificateTest {
    @TempDir
    Path dir;

    private static String read(KubeletHttp http, URI uri) throws ScrapeException {
        return http.get(uri, "text/plain", in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    private KubeletHttp verifiedAgainst(TestPki.Issued ca) throws Exception {
        return new KubeletHttp(TlsContexts.trusting(ca.writePem(dir)), BearerToken.none(), Duration.ofSeconds(5),
                1 << 20);
    }

    @Test
    void a_certificate_for_the_node_ip_is_accepted_when_dialled_by_ip() throws Exception {
        TestPki.Issued nodeIpOnly = TestPki.selfSignedServer("system:node:node-a", "127.0.0.1");
        try (FakeKubelet kubelet = new FakeKubelet(nodeIpOnly).respond("/metrics/resource", "ok\n")) {
            assertEquals("ok\n", read(verifiedAgainst(nodeIpOnly), kubelet.baseUrl().resolve("/metrics/resource")));
        }
    }

    @Test
    void a_certificate_for_the_node_hostname_is_accepted_when_dialled_by_hostname() throws Exception {
        TestPki.Issued hostnameOnly = TestPki.selfSignedServer("system:node:localhost", "localhost");
        try (FakeKubelet kubelet = new FakeKubelet(hostnameOnly).respond("/metrics/resource", "ok\n")) {
            URI byName = URI.create("https://localhost:" + kubelet.baseUrl().getPort() + "/metrics/resource");
            assertEquals("ok\n", read(verifiedAgainst(hostnameOnly), byName));
        }
    }

    @Test
    void a_trusted_certificate_for_another_node_is_refused() throws Exception {
        TestPki.Issued otherNode = TestPki.selfSignedServer("system:node:node-b", "node-b", "10.0.0.9");
        try (FakeKubelet kubelet = new FakeKubelet(otherNode).respond("/metrics/resource", "ok\n")) {
            KubeletHttp http = verifiedAgainst(otherNode);

            ScrapeException e = assertThrows(ScrapeException.class,
                    () -> read(http, kubelet.baseUrl().resolve("/metrics/resource")));
            assertEquals("tls", e.reason(), e.getMessage());
        }
    }
}
