package dev.metricsstream.gateway.auth;

import dev.metricsstream.common.config.EnvReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's authentication/authorization settings (read by {@code GatewayConfig.from}).
 *
 * @param mode                 AUTH_MODE: delegated (default) or off
 * @param apiserverUrl         APISERVER_URL; default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT
 *                             (null when neither is set: delegated mode then refuses to start)
 * @param apiserverCaFile      APISERVER_CA_FILE, default the service-account ca.crt (when it exists)
 * @param apiserverTokenFile   APISERVER_TOKEN_FILE, default the service-account token (when it exists)
 * @param configMapNamespace   AUTHENTICATION_CONFIGMAP namespace part (default kube-system)
 * @param configMapName        AUTHENTICATION_CONFIGMAP name part (default extension-apiserver-authentication)
 * @param alwaysAllowPaths     AUTHORIZATION_ALWAYS_ALLOW_PATHS (default /healthz,/livez,/readyz; a trailing * is a
 *                             prefix match)
 * @param alwaysAllowGroups    AUTHORIZATION_ALWAYS_ALLOW_GROUPS (default system:masters, as k8s.io/apiserver)
 * @param tokenSuccessTtl      AUTHENTICATION_CACHE_TTL, how long an authenticated token is remembered (10s)
 * @param tokenFailureTtl      AUTHENTICATION_FAILURE_CACHE_TTL, how long a rejected token is remembered (2s)
 * @param allowTtl             AUTHORIZATION_ALLOW_CACHE_TTL (10s)
 * @param denyTtl              AUTHORIZATION_DENY_CACHE_TTL (10s)
 * @param apiserverTimeout     APISERVER_TIMEOUT, per TokenReview/SubjectAccessReview call (10s)
 */
public record AuthConfig(Mode mode, URI apiserverUrl, Path apiserverCaFile, Path apiserverTokenFile,
        String configMapNamespace, String configMapName, List<String> alwaysAllowPaths, List<String> alwaysAllowGroups,
        Duration tokenSuccessTtl, Duration tokenFailureTtl, Duration allowTtl, Duration denyTtl,
        Duration apiserverTimeout) {

    /** AUTH_MODE values. */
    public enum Mode { DELEGATED, OFF }

    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";
    public static final List<String> DEFAULT_ALWAYS_ALLOW_PATHS = List.of("/healthz", "/livez", "/readyz");

    public AuthConfig {
        alwaysAllowPaths = List.copyOf(alwaysAllowPaths);
        alwaysAllowGroups = List.copyOf(alwaysAllowGroups);
    }

    /** Local/test settings: everything open. */
    public static AuthConfig off() {
        return from(new EnvReader(Map.of("AUTH_MODE", "off")));
    }

    public static AuthConfig from(EnvReader r) {
        String modeText = r.string("AUTH_MODE", "delegated").toLowerCase(Locale.ROOT);
        Mode mode = switch (modeText) {
            case "delegated" -> Mode.DELEGATED;
            case "off" -> Mode.OFF;
            default -> {
                r.check(false, "AUTH_MODE must be delegated or off, got '" + modeText + "'");
                yield Mode.DELEGATED;
            }
        };
        String host = r.string("KUBERNETES_SERVICE_HOST", null);
        String port = r.string("KUBERNETES_SERVICE_PORT", "443");
        String inCluster = host == null ? null
                : "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        URI url = r.uri("APISERVER_URL", inCluster);
        Path ca = r.path("APISERVER_CA_FILE", existing(SERVICE_ACCOUNT_DIR + "ca.crt"));
        Path token = r.path("APISERVER_TOKEN_FILE", existing(SERVICE_ACCOUNT_DIR + "token"));
        String configMap = r.string("AUTHENTICATION_CONFIGMAP", "kube-system/extension-apiserver-authentication");
        String[] parts = configMap.split("/", -1);
        r.check(parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank(),
                "AUTHENTICATION_CONFIGMAP must be namespace/name, got '" + configMap + "'");
        List<String> paths = r.list("AUTHORIZATION_ALWAYS_ALLOW_PATHS", DEFAULT_ALWAYS_ALLOW_PATHS);
        for (String path : paths) {
            r.check(path.startsWith("/"), "AUTHORIZATION_ALWAYS_ALLOW_PATHS entries must start with /, got '" + path + "'");
            r.check(!path.contains("*") || (path.indexOf('*') == path.length() - 1),
                    "AUTHORIZATION_ALWAYS_ALLOW_PATHS: '*' is only allowed at the end, got '" + path + "'");
        }
        List<String> groups = r.list("AUTHORIZATION_ALWAYS_ALLOW_GROUPS", List.of("system:masters"));
        Duration max = Duration.ofHours(1);
        Duration tokenOk = r.duration("AUTHENTICATION_CACHE_TTL", Duration.ofSeconds(10), Duration.ZERO, max);
        Duration tokenBad = r.duration("AUTHENTICATION_FAILURE_CACHE_TTL", Duration.ofSeconds(2), Duration.ZERO, max);
        Duration allow = r.duration("AUTHORIZATION_ALLOW_CACHE_TTL", Duration.ofSeconds(10), Duration.ZERO, max);
        Duration deny = r.duration("AUTHORIZATION_DENY_CACHE_TTL", Duration.ofSeconds(10), Duration.ZERO, max);
        Duration timeout = r.duration("APISERVER_TIMEOUT", Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofMinutes(5));
        if (ca != null && url != null && mode == Mode.DELEGATED && "https".equals(url.getScheme())) {
            r.check(Files.isReadable(ca), "APISERVER_CA_FILE " + ca + " is not readable");
        }
        if (token != null && mode == Mode.DELEGATED) {
            r.check(Files.isReadable(token), "APISERVER_TOKEN_FILE " + token + " is not readable");
        }
        return new AuthConfig(mode, url, ca, token, parts.length == 2 ? parts[0] : "kube-system",
                parts.length == 2 ? parts[1] : "extension-apiserver-authentication", paths, groups, tokenOk, tokenBad,
                allow, deny, timeout);
    }

    private static String existing(String file) {
        return Files.isReadable(Path.of(file)) ? file : null;
    }

    /** k8s.io/apiserver's path authorizer: exact match, or prefix match for an entry ending in '*'. */
    public boolean alwaysAllowed(String path) {
        for (String allowed : alwaysAllowPaths) {
            if (allowed.endsWith("*") ? path.startsWith(allowed.substring(0, allowed.length() - 1))
                    : path.equals(allowed)) {
                return true;
            }
        }
        return false;
    }
}
