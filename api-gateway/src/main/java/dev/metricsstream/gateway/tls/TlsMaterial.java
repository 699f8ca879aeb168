package dev.metricsstream.gateway.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/**
 * The serving certificate and key: loaded from a cert dir ({@code tls.crt}, {@code tls.key}, as a Kubernetes TLS
 * Secret mounts them) or generated self-signed at start, as metrics-server does without {@code --tls-cert-file}.
 */
public final class TlsMaterial {
    public static final char[] KEYSTORE_PASSWORD = "metrics-stream".toCharArray();
    private static final String ALIAS = "serving";

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private TlsMaterial(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** A PKCS12 key store in memory holding the key and chain (password {@link #KEYSTORE_PASSWORD}). */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, KEYSTORE_PASSWORD, chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS key store", e);
        }
    }

    /** The certificate as PEM (for a kubeconfig's certificate-authority-data or a trust store). */
    public String certificatePem() {
        StringBuilder pem = new StringBuilder();
        try (StringWriter out = new StringWriter(); JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(certificate());
            writer.flush();
            pem.append(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pem.toString();
    }

    /** Self-signed, valid one year, SANs: localhost, 127.0.0.1, ::1 and the Service's DNS names. */
    public static TlsMaterial selfSigned(String serviceName, String namespace) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + serviceName + "." + namespace + ".svc@" + now.getEpochSecond());
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(365))), subject, pair.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String dns : List.of("localhost", serviceName, serviceName + "." + namespace,
                    serviceName + "." + namespace + ".svc", serviceName + "." + namespace + ".svc.cluster.local")) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            // its own CA, as the apiserver's self-signed serving certs are, so clients can pin it as the CA
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyCertSign));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new TlsMaterial(pair.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    /** Reads {@code tls.crt} (the chain, leaf first) and {@code tls.key} (PKCS#8, PKCS#1 RSA or SEC1 EC). */
    public static TlsMaterial fromCertDir(Path dir) {
        Path certFile = dir.resolve("tls.crt");
        Path keyFile = dir.resolve("tls.key");
        try {
            List<X509Certificate> chain = new ArrayList<>();
            try (Reader reader = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII);
                 PEMParser parser = new PEMParser(reader)) {
                for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                    if (object instanceof X509CertificateHolder holder) {
                        chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                    }
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(certFile + " holds no PEM certificate");
            }
            PrivateKey key;
            try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
                 PEMParser parser = new PEMParser(reader)) {
                Object object = parser.readObject();
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (object instanceof PEMKeyPair pair) {
                    key = converter.getKeyPair(pair).getPrivate();
                } else if (object instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else {
                    throw new IllegalArgumentException(keyFile + " holds no unencrypted PEM private key");
                }
            }
            return new TlsMaterial(key, chain);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the serving certificate from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code tls.crt} and {@code tls.key} (PKCS#8) into {@code dir}; used by tests and for local runs. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("tls.crt"), StandardCharsets.US_ASCII))) {
            for (X509Certificate certificate : chain) {
                writer.writeObject(certificate);
            }
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(dir.resolve("tls.key"), StandardCharsets.US_ASCII))) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        }
    }

}
