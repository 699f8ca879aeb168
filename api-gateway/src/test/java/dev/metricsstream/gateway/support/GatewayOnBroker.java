package dev.metricsstream.gateway.support;

import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.store.WindowSink;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The gateway as deployed ({@link GatewayApp}) on the test broker, for a class run with
 * {@link KafkaBrokerExtension}: {@code @RegisterExtension final GatewayOnBroker gateway = new GatewayOnBroker("x-");}.
 * Before each test: fresh unique topics. {@link #start}: its own self-signed certificate in {@code TLS_CERT_DIR},
 * {@code AUTH_MODE=off}, HTTPS on a free loopback port, a registry of its own, and an HTTP client that trusts that
 * certificate. After each test: the gateway is closed.
 */
public final class GatewayOnBroker implements BeforeEachCallback, AfterEachCallback {
    private final String clientIdPrefix;
    private KafkaBroker broker;
    private Topics topics;
    private TlsMaterial tls;
    private GatewayApp app;
    private HttpClient http;

    /** @param clientIdPrefix APPLICATION_ID before the topics' prefix (one per test class) */
    public GatewayOnBroker(String clientIdPrefix) {
        this.clientIdPrefix = clientIdPrefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        broker = KafkaBrokerExtension.broker(context);
        topics = broker.createUniqueTopics(1);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    public KafkaBroker broker() {
        return broker;
    }

    /** This test's topics. */
    public Topics topics() {
        return topics;
    }

    /**
     * Starts the gateway on this test's topics.
     *
     * @param dir        where the certificate (and the unused state directory) go
     * @param windowSink also receives every decoded window record
     */
    public void start(Path dir, WindowSink windowSink) throws Exception {
        tls = TlsMaterial.selfSigned("metrics-stream-gateway", "it");
        tls.writeTo(dir.resolve("certs"));
        GatewayConfig config = GatewayConfig.from(Map.of(
                "AUTH_MODE", "off",
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "TOPIC_PREFIX", topics.prefix(),
                "APPLICATION_ID", clientIdPrefix + topics.prefix().replace(".", ""),
                "STATE_DIR", dir.resolve("state").toString(),
                "BIND_ADDRESS", "127.0.0.1",
                "HTTPS_PORT", "0",
                "TLS_CERT_DIR", dir.resolve("certs").toString()));
        app = GatewayApp.start(config,
                GatewayApp.Deps.production().withRegistry(new PrometheusRegistry()).withWindowSink(windowSink));
        http = HttpClient.newBuilder().sslContext(TestGateway.trusting(tls)).build();
    }

    /** The serving certificate of the started gateway. */
    public TlsMaterial tls() {
        return tls;
    }

    public String httpsBase() {
        return "https://localhost:" + app.httpsPort();
    }

    /** GET with the given {@code Accept} header. */
    public HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(httpsBase() + path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
