package dev.metricsstream.testkit.kubelet;

import dev.metricsstream.testkit.tls.TestPki;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A throw-away CA and one kubelet serving certificate signed by it ({@link TestPki}), made at simulator start. The
 * serving certificate names 127.0.0.1, ::1, localhost and every node name, as a kubelet serving certificate names
 * its node.
 */
final class TlsMaterial {
    private final TestPki.Issued ca;
    private final TestPki.Issued serving;
    private final SSLContext serverContext;

    private TlsMaterial(TestPki.Issued ca, TestPki.Issued serving) {
        this.ca = ca;
        this.serving = serving;
        this.serverContext = serving.serverContext();
    }

    static TlsMaterial generate(Collection<String> dnsNames) {
        TestPki.Issued ca = TestPki.ca("metrics-stream kubelet simulator CA");
        List<String> names = new ArrayList<>(List.of("127.0.0.1", "::1", "localhost"));
        names.addAll(dnsNames);
        return new TlsMaterial(ca, ca.issueServer("kubelet-simulator@" + Instant.now().getEpochSecond(), names));
    }

    X509Certificate caCertificate() {
        return ca.certificate();
    }

    X509Certificate servingCertificate() {
        return serving.certificate();
    }

    SSLContext serverContext() {
        return serverContext;
    }

    String caCertificatePem() {
        return ca.certificatePem();
    }

    KeyStore trustStore() {
        return TestPki.trustStore(ca.certificate());
    }

    SSLContext clientContext() {
        return TestPki.trusting(ca.certificate());
    }
}
