package dev.metricsstream.testkit.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The tests' one throw-away PKI (EC P-256, SHA256withECDSA): CAs, serving certificates (a kubelet's, an apiserver's)
 * and client certificates (front proxy, users with groups as organizations) they sign, plus the key and trust stores
 * and {@link SSLContext}s built from them. Validity uses the real clock (TLS peers check against it): from one hour
 * ago to 30 days ahead. The gateway's own production self-signed certificate is {@code gateway.tls.TlsMaterial}.
 */
public final class TestPki {
    private static final char[] NO_PASSWORD = new char[0];
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {
    }

    /** A self-signed CA. */
    public static Issued ca(String commonName) {
        return issue(new X500Name("CN=" + commonName), null, null, Kind.CA, List.of());
    }

    /**
     * A self-signed serving certificate (its own trust anchor, as a kubelet's self-signed certificate is) naming
     * exactly these subject alternative names: IP literals become IP SANs, the rest DNS SANs.
     */
    public static Issued selfSignedServer(String commonName, String... subjectAltNames) {
        return issue(new X500Name("CN=" + commonName), null, null, Kind.SELF_SIGNED_SERVER, List.of(subjectAltNames));
    }

    /**
     * A key pair and its certificate; {@code issuer} is the signing CA's certificate, null when self-signed.
     */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {

        /** A serving certificate signed by this CA naming these subject alternative names (see selfSignedServer). */
        public Issued issueServer(String commonName, Collection<String> subjectAltNames) {
            return issue(new X500Name("CN=" + commonName), keys, certificate, Kind.SERVER, subjectAltNames);
        }

        /** A client certificate signed by this CA; organizations are the user's groups, as Kubernetes reads them. */
        public Issued issueClient(String commonName, String... organizations) {
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            for (String organization : organizations) {
                subject.addRDN(BCStyle.O, organization);
            }
            subject.addRDN(BCStyle.CN, commonName);
            return issue(subject.build(), keys, certificate, Kind.CLIENT, List.of());
        }

        public String certificatePem() {
            return pem(certificate);
        }

        /** Writes the certificate as PEM into {@code dir} (a CA bundle file for the peer) and returns the file. */
        public Path writePem(Path dir) throws IOException {
            Path file = dir.resolve("cert-" + certificate.getSerialNumber() + ".crt");
            Files.writeString(file, certificatePem());
            return file;
        }

        /** PKCS12 with the key and the chain (leaf, then issuer when there is one), no password. */
        public KeyStore keyStore() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                X509Certificate[] chain = issuer == null ? new X509Certificate[] {certificate}
                        : new X509Certificate[] {certificate, issuer};
                store.setKeyEntry("key", keys.getPrivate(), NO_PASSWORD, chain);
                return store;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A server context presenting this certificate; no client authentication. */
        public SSLContext serverContext() {
            return context(keyManagers(), null);
        }

        /** A client context presenting this certificate and trusting exactly {@code trusted}. */
        public SSLContext clientContext(X509Certificate... trusted) {
            return context(keyManagers(), trusted);
        }

        private KeyManager[] keyManagers() {
            try {
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(keyStore(), NO_PASSWORD);
                return factory.getKeyManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A trust store holding exactly these certificates. */
    public static KeyStore trustStore(X509Certificate... trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                trust.setCertificateEntry("trusted-" + i, trusted[i]);
            }
            return trust;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context with no certificate of its own, trusting exactly {@code trusted}. */
    public static SSLContext trusting(X509Certificate... trusted) {
        return context(null, trusted);
    }

    public static String pem(X509Certificate certificate) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private enum Kind { CA, SERVER, SELF_SIGNED_SERVER, CLIENT }

    private static SSLContext context(KeyManager[] keyManagers, X509Certificate[] trusted) {
        try {
            TrustManagerFactory trust = null;
            if (trusted != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore(trusted));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Issued issue(X500Name subject, KeyPair issuerKeys, X509Certificate issuerCertificate, Kind kind,
            Collection<String> subjectAltNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
            Date notAfter = Date.from(now.plus(Duration.ofDays(30)));
            BigInteger serial = new BigInteger(64, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = issuerCertificate == null
                    ? new JcaX509v3CertificateBuilder(subject, serial, notBefore, notAfter, subject, keys.getPublic())
                    : new JcaX509v3CertificateBuilder(issuerCertificate, serial, notBefore, notAfter, subject,
                            keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuerCertificate != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuerCertificate));
            }
            switch (kind) {
                case CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER, SELF_SIGNED_SERVER -> {
                    // a self-signed serving certificate is its own trust anchor, so it is marked as a CA
                    builder.addExtension(Extension.basicConstraints, true,
                            new BasicConstraints(kind == Kind.SELF_SIGNED_SERVER));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                            | KeyUsage.keyEncipherment | (kind == Kind.SELF_SIGNED_SERVER ? KeyUsage.keyCertSign : 0)));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    builder.addExtension(Extension.subjectAlternativeName, false, altNames(subjectAltNames));
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
            }
            KeyPair signer = issuerKeys == null ? keys : issuerKeys;
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
            return new Issued(keys, certificate, issuerCertificate);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a test certificate for " + subject, e);
        }
    }

    private static GeneralNames altNames(Collection<String> subjectAltNames) {
        return new GeneralNames(new LinkedHashSet<>(subjectAltNames).stream()
                .map(san -> new GeneralName(san.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName,
                        san))
                .toArray(GeneralName[]::new));
    }
}
