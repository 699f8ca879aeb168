package dev.metricsstream.gateway.auth;

import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a presented client chain against a CA bundle as Go's {@code x509.Certificate.Verify} with
 * {@code KeyUsages: [ClientAuth]} does for k8s.io/apiserver: the leaf must chain to one of the CAs, be valid now and,
 * when it names extended key usages, allow client authentication. Revocation is not checked (neither does Go).
 */
final class ClientCertificates {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private ClientCertificates() {
    }

    /** Null when the chain verifies; otherwise why not (for the log). */
    static String verify(X509Certificate[] chain, List<X509Certificate> cas, long nowMillis) {
        if (cas.isEmpty()) {
            return "no CA configured";
        }
        try {
            List<String> usages = chain[0].getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                return "the certificate is not for client authentication";
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate ca : cas) {
                anchors.add(new TrustAnchor(ca, null));
            }
            // the leaf and any intermediates the client sent; a self-signed CA that is itself sent is dropped
            List<X509Certificate> path = Arrays.stream(chain)
                    .filter(c -> !cas.contains(c)).toList();
            if (path.isEmpty()) {
                return "the certificate is a CA certificate";
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(new Date(nowMillis));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return "x509: " + e.getMessage();
        } catch (CertificateParsingException e) {
            return "x509: unreadable extended key usage: " + e.getMessage();
        } catch (CertificateException | NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            return "x509: " + e.getMessage();
        }
    }

    /** The subject's CN (the user name of a client certificate). */
    static String commonName(X509Certificate certificate) {
        List<String> values = rdnValues(certificate, "CN");
        return values.isEmpty() ? "" : values.get(0);
    }

    /** The subject's O values (the groups of a client certificate). */
    static List<String> organizations(X509Certificate certificate) {
        return rdnValues(certificate, "O");
    }

    private static List<String> rdnValues(X509Certificate certificate, String type) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(
                    certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253));
            List<String> values = new java.util.ArrayList<>();
            // LdapName index 0 is the first RDN of the encoded subject (the rightmost of the RFC 2253 string), the
            // order Go's pkix.Name keeps
            for (int i = 0; i < name.size(); i++) {
                for (javax.naming.directory.Attribute attribute : java.util.Collections.list(
                        name.getRdn(i).toAttributes().getAll())) {
                    if (attribute.getID().equalsIgnoreCase(type)) {
                        values.add(String.valueOf(attribute.get()));
                    }
                }
            }
            return values;
        } catch (javax.naming.NamingException e) {
            return List.of();
        }
    }
}
