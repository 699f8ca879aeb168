package dev.metricsstream.gateway.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contents of {@code kube-system/extension-apiserver-authentication}, as k8s.io/apiserver's
 * {@code RequestHeaderAuthRequestController} and {@code DynamicFileCAContent} read them: the front-proxy CA bundle and
 * its allowed client names and header names (JSON string arrays), and the client CA bundle.
 *
 * @param requestHeaderCa     {@code requestheader-client-ca-file}; empty: no front-proxy authentication
 * @param allowedNames        {@code requestheader-allowed-names}; empty: any CN signed by the front-proxy CA
 * @param usernameHeaders     {@code requestheader-username-headers} (X-Remote-User)
 * @param groupHeaders        {@code requestheader-group-headers} (X-Remote-Group)
 * @param extraHeaderPrefixes {@code requestheader-extra-headers-prefix} (X-Remote-Extra-)
 * @param clientCa            {@code client-ca-file}; empty: no client-certificate authentication
 * @param resourceVersion     the ConfigMap's resourceVersion these were read from
 */
public record AuthenticationSettings(List<X509Certificate> requestHeaderCa, List<String> allowedNames,
        List<String> usernameHeaders, List<String> groupHeaders, List<String> extraHeaderPrefixes,
        List<X509Certificate> clientCa, String resourceVersion) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public AuthenticationSettings {
        requestHeaderCa = List.copyOf(requestHeaderCa);
        allowedNames = List.copyOf(allowedNames);
        usernameHeaders = List.copyOf(usernameHeaders);
        groupHeaders = List.copyOf(groupHeaders);
        extraHeaderPrefixes = List.copyOf(extraHeaderPrefixes);
        clientCa = List.copyOf(clientCa);
    }

    /** Every header a front-proxy sets (exact names and prefixes, lower case). */
    public boolean isFrontProxyHeader(String header) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        for (String name : usernameHeaders) {
            if (lower.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        for (String name : groupHeaders) {
            if (lower.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        for (String prefix : extraHeaderPrefixes) {
            if (lower.startsWith(prefix.toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses the ConfigMap's data.
     *
     * @throws IllegalArgumentException with a message naming the bad key
     */
    public static AuthenticationSettings fromConfigMapData(Map<String, String> data, String resourceVersion) {
        Map<String, String> d = data == null ? Map.of() : data;
        return new AuthenticationSettings(
                certificates(d, "requestheader-client-ca-file"),
                stringList(d, "requestheader-allowed-names"),
                stringList(d, "requestheader-username-headers"),
                stringList(d, "requestheader-group-headers"),
                stringList(d, "requestheader-extra-headers-prefix"),
                certificates(d, "client-ca-file"),
                resourceVersion == null ? "" : resourceVersion);
    }

    private static List<String> stringList(Map<String, String> data, String key) {
        String value = data.get(key);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        try {
            List<String> list = JSON.readValue(value, new TypeReference<List<String>>() { });
            List<String> clean = new ArrayList<>();
            for (String item : list) {
                if (item != null && !item.isBlank()) {
                    clean.add(item.trim());
                }
            }
            return clean;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(key + " is not a JSON array of strings: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(Map<String, String> data, String key) {
        String pem = data.get(key);
        if (pem == null || pem.isBlank()) {
            return List.of();
        }
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) certificate);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(key + " holds no PEM certificate");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(key + " is not a PEM certificate bundle: " + e.getMessage());
        }
    }
}
