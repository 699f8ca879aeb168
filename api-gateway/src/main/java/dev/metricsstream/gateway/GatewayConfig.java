package dev.metricsstream.gateway;

import dev.metricsstream.common.config.EnvReader;
import dev.metricsstream.common.config.KafkaSettings;
import dev.metricsstream.gateway.auth.AuthConfig;
import dev.metricsstream.schemas.Topics;
import java.nio.file.Path;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.history.HistoryRetention;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Everything the gateway is configured with, read once from the environment (a map in tests). Every problem is
 * reported at once by {@link #from(Map)}. Printing it never shows a Kafka credential.
 *
 * @param kafka                   KAFKA_BOOTSTRAP_SERVERS and every other KAFKA_* variable, passed through
 *                                Strimzi-style (credentials held as secrets)
 * @param topicPrefix             TOPIC_PREFIX, prepended to every topic name
 * @param applicationId           APPLICATION_ID, client id prefix of the consumers that load the store
 * @param stateDir                STATE_DIR, unused since the gateway keeps no local state (accepted so existing
 *                                manifests stay valid)
 * @param bindAddress             BIND_ADDRESS for both ports
 * @param httpsPort               HTTPS_PORT (0 picks a free port)
 * @param httpPort                HTTP_PORT, the optional plain-HTTP port for local use (0 = off)
 * @param tlsCertDir              TLS_CERT_DIR with tls.crt and tls.key (null: self-signed at start)
 * @param serviceName             SERVICE_NAME, in-cluster Service name used for the self-signed SANs
 * @param podNamespace            POD_NAMESPACE, in-cluster namespace used for the self-signed SANs
 * @param stalenessBound          STALENESS_BOUND, nothing older is served
 * @param stalenessBoundConfigured whether STALENESS_BOUND was set; if not, the bound is 3 × the scrape resolution
 *                                the data carries, and {@code stalenessBound} (45 s) only until a record carries one
 * @param preferredVersion        PREFERRED_VERSION, v1beta1 or v1
 * @param auth                    AUTH_MODE and the delegated authentication/authorization settings ({@link AuthConfig})
 * @param history                 HISTORY_WINDOWS, closed windows kept per node and pod for the History API
 */
public record GatewayConfig(
        KafkaSettings kafka,
        String topicPrefix,
        String applicationId,
        Path stateDir,
        String bindAddress,
        int httpsPort,
        int httpPort,
        Path tlsCertDir,
        String serviceName,
        String podNamespace,
        Duration stalenessBound,
        boolean stalenessBoundConfigured,
        String preferredVersion,
        AuthConfig auth,
        HistoryRetention history) {

    public static final List<String> VERSIONS = List.of("v1beta1", "v1");
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    public static GatewayConfig from(Map<String, String> env) {
        return from(new EnvReader(env));
    }

    private static GatewayConfig from(EnvReader reader) {
        KafkaSettings kafka = KafkaSettings.from(reader, DEFAULT_BOOTSTRAP_SERVERS);
        String prefix = reader.parsed("TOPIC_PREFIX", "", value -> Topics.withPrefix(value).prefix());
        String applicationId = reader.string("APPLICATION_ID", "metrics-stream-gateway");
        Path stateDir = reader.path("STATE_DIR", null);
        String bind = reader.string("BIND_ADDRESS", "0.0.0.0");
        int https = reader.integer("HTTPS_PORT", 8443, 0, 65535);
        int http = reader.integer("HTTP_PORT", 0, 0, 65535);
        Path certDir = reader.path("TLS_CERT_DIR", null);
        String service = reader.string("SERVICE_NAME", "metrics-stream-gateway");
        String namespace = reader.string("POD_NAMESPACE", "default");
        boolean stalenessConfigured = reader.string("STALENESS_BOUND", null) != null;
        Duration staleness = reader.duration("STALENESS_BOUND", Duration.ofSeconds(45), Duration.ofSeconds(1),
                Duration.ofHours(1));
        String preferred = reader.string("PREFERRED_VERSION", "v1beta1");
        reader.check(VERSIONS.contains(preferred), "PREFERRED_VERSION must be one of " + VERSIONS + ", got '" + preferred + "'");
        AuthConfig auth = AuthConfig.from(reader);
        HistoryRetention history = reader.parsed("HISTORY_WINDOWS",
                HistoryRetention.parse(HistoryRetention.DEFAULT, Durations::parse),
                value -> HistoryRetention.parse(value, Durations::parse));
        reader.check(http == 0 || http != https, "HTTP_PORT and HTTPS_PORT must differ, both are " + https);
        reader.finish();
        return new GatewayConfig(kafka, prefix, applicationId, stateDir, bind, https, http, certDir, service,
                namespace, staleness, stalenessConfigured, preferred, auth, history);
    }

    /** Served versions, the preferred one first (the order discovery lists them in). */
    public List<String> versionsPreferredFirst() {
        return preferredVersion.equals("v1") ? List.of("v1", "v1beta1") : List.of("v1beta1", "v1");
    }

    /** The topics the gateway reads (the schemas module's declarations, with the prefix). */
    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** Every environment variable the gateway reads (besides the {@code KAFKA_*} pass-through). */
    public static SortedSet<String> knownKeys() {
        return EnvReader.knownKeys(GatewayConfig::from, List.of(Map.of()));
    }
}
