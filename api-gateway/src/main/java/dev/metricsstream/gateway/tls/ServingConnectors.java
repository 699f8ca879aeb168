package dev.metricsstream.gateway.tls;

import dev.metricsstream.gateway.http.JettyErrors;
import io.javalin.config.JavalinConfig;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's Jetty connectors: HTTPS with its serving certificate, client certificates requested but not
 * required (the front-proxy presents one; whether it is trusted is the auth filter's decision), and the optional
 * plain-HTTP port. Both accept request lines and headers as large as the kube-apiserver does.
 */
public final class ServingConnectors {
    private ServingConnectors() {
    }

    /** Adds the HTTPS connector and, when {@code serving.httpPort() >= 0}, the plain-HTTP one. */
    public static void install(JavalinConfig config, Serving serving) {
        config.jetty.addConnector((server, httpConfig) -> https(server, withApiServerLimits(httpConfig), serving));
        if (serving.httpPort() >= 0) {
            config.jetty.addConnector((server, httpConfig) -> {
                ServerConnector connector = new ServerConnector(server,
                        new HttpConnectionFactory(withApiServerLimits(httpConfig)));
                connector.setHost(serving.bindAddress());
                connector.setPort(serving.httpPort());
                return connector;
            });
        }
    }

    /**
     * Accepts request lines (long label selectors) and headers as large as the kube-apiserver does: its Go server
     * reads up to {@code MaxHeaderBytes = 1 << 20} (k8s.io/apiserver {@code SecureServingInfo.Serve}); Jetty's
     * default is 8 KiB.
     */
    private static HttpConfiguration withApiServerLimits(HttpConfiguration httpConfig) {
        httpConfig.setRequestHeaderSize(JettyErrors.MAX_REQUEST_HEADER_BYTES);
        return httpConfig;
    }

    private static ServerConnector https(Server server, HttpConfiguration httpConfig, Serving serving) {
        SslContextFactory.Server ssl = new SslContextFactory.Server() {
            /**
             * Accept any client certificate at the TLS layer and advertise no acceptable CAs: a Go client (the
             * kube-aggregator) only sends its front-proxy certificate when the server's CA list is empty or names
             * its issuer, and the JDK's default list (every public root) names neither. Whether a presented chain
             * is trusted is the auth filter's decision, as in k8s.io/apiserver.
             */
            @Override
            protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
                return new TrustManager[] {new AcceptAnyClientCertificate()};
            }
        };
        ssl.setKeyStore(serving.tls().keyStore());
        ssl.setKeyStorePassword(new String(TlsMaterial.KEYSTORE_PASSWORD));
        // the front-proxy (kube-aggregator) presents a client certificate; probes and direct clients do not
        ssl.setWantClientAuth(true);
        ssl.setNeedClientAuth(false);
        ssl.setSniRequired(false);
        HttpConfiguration https = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        customizer.setSniHostCheck(false);
        https.addCustomizer(customizer);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost(serving.bindAddress());
        connector.setPort(serving.httpsPort());
        return connector;
    }

    /** Trusts any client chain and names no acceptable issuers (see {@link #https}). */
    private static final class AcceptAnyClientCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the gateway does not make outgoing TLS connections with this context");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
