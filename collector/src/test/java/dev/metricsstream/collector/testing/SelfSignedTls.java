package dev.metricsstream.collector.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A self-signed serving certificate for localhost/127.0.0.1, like a kubelet's, and its PEM for the trust side. */
public final class SelfSignedTls {
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private SelfSignedTls(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    public static SelfSignedTls create(String commonName) {
        return create(commonName, "localhost", "127.0.0.1");
    }

    /**
     * A serving certificate naming exactly these subject alternative names (IP literals become IP SANs, the rest DNS
     * SANs), as a kubelet's names its node IP and hostname.
     */
    public static SelfSignedTls create(String commonName, String... subjectAltNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keyPair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=" + commonName);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), name, keyPair.getPublic());
            GeneralName[] names = new GeneralName[subjectAltNames.length];
            for (int i = 0; i < names.length; i++) {
                String san = subjectAltNames[i];
                names[i] = new GeneralName(san.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName,
                        san);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new SelfSignedTls(keyPair, certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public SSLContext serverContext() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("serving", keyPair.getPrivate(), new char[0], new X509Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    public Path writeCaPem(Path dir) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        Path file = dir.resolve("ca-" + certificate.getSerialNumber() + ".crt");
        Files.writeString(file, text.toString());
        return file;
    }
}
