package dev.metricsstream.gateway.auth;

import dev.metricsstream.gateway.tls.TlsMaterial;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway CA hierarchy for the tests: CAs (front-proxy, client) and client certificates they sign. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** A key pair and its certificate (chain: leaf, then its issuer). */
    record Issued(KeyPair keys, X509Certificate certificate, X509Certificate issuer) {
        String certificatePem() {
            return pem(certificate);
        }

        /** A client SSLContext presenting this certificate and trusting the gateway's serving certificate. */
        SSLContext clientContext(TlsMaterial serving) throws Exception {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            X509Certificate[] chain = issuer == null ? new X509Certificate[] {certificate}
                    : new X509Certificate[] {certificate, issuer};
            keyStore.setKeyEntry("client", keys.getPrivate(), new char[0], chain);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gateway", serving.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        }

        /** A client certificate signed by this CA, for client authentication. */
        Issued issueClient(String commonName, String... organizations) throws Exception {
            return issue(commonName, organizations, keys, certificate, false);
        }
    }

    static Issued ca(String commonName) throws Exception {
        return issue(commonName, new String[0], null, null, true);
    }

    private static Issued issue(String commonName, String[] organizations, KeyPair issuerKeys,
            X509Certificate issuerCertificate, boolean ca) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String organization : organizations) {
            subject.addRDN(BCStyle.O, organization);
        }
        subject.addRDN(BCStyle.CN, commonName);
        Instant now = Instant.now();
        org.bouncycastle.asn1.x500.X500Name subjectName = subject.build();
        BigInteger serial = BigInteger.valueOf(SERIAL.incrementAndGet());
        Date notBefore = Date.from(now.minus(1, ChronoUnit.HOURS));
        Date notAfter = Date.from(now.plus(1, ChronoUnit.DAYS));
        JcaX509v3CertificateBuilder builder = issuerCertificate == null
                ? new JcaX509v3CertificateBuilder(subjectName, serial, notBefore, notAfter, subjectName, keys.getPublic())
                : new JcaX509v3CertificateBuilder(issuerCertificate, serial, notBefore, notAfter, subjectName,
                        keys.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        KeyPair signer = issuerKeys == null ? keys : issuerKeys;
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        return new Issued(keys, certificate, issuerCertificate);
    }

    static String pem(X509Certificate certificate) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }
}
