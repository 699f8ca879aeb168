package dev.metricsstream.gateway.auth;

import dev.metricsstream.common.health.HealthCheck;
import io.javalin.http.Handler;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the auth filter from an {@link AuthConfig}: AUTH_MODE=off gives the no-op filter (and a loud warning);
 * delegated builds the apiserver clients, starts the ConfigMap watch and returns the filter and its readiness check.
 */
public final class DelegatedAuth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelegatedAuth.class);

    private final Handler filter;
    private final AuthenticationConfigWatcher watcher;

    private DelegatedAuth(Handler filter, AuthenticationConfigWatcher watcher) {
        this.filter = filter;
        this.watcher = watcher;
    }

    public static DelegatedAuth start(AuthConfig config, InstantSource clock) {
        if (config.mode() == AuthConfig.Mode.OFF) {
            LOG.atWarn().addKeyValue("reason", "auth_off").log("AUTH_MODE=off: authentication and authorization are "
                    + "DISABLED. Anyone who can reach the gateway's ports reads every metric. Use only for local "
                    + "runs (standalone, docker compose), never in a cluster.");
            return new DelegatedAuth(AuthFilter.NONE, null);
        }
        if (config.apiserverUrl() == null) {
            throw new IllegalStateException("AUTH_MODE=delegated needs the apiserver: set APISERVER_URL, run in a pod "
                    + "(KUBERNETES_SERVICE_HOST), or set AUTH_MODE=off for a local run");
        }
        ApiClient reviews = client(config, config.apiserverTimeout());
        ApiClient watching = client(config, Duration.ZERO);
        AuthenticationConfigWatcher watcher = new AuthenticationConfigWatcher(watching, config.configMapNamespace(),
                config.configMapName(), Duration.ofSeconds(2)).start();
        TokenReviewer tokens = new TokenReviewer(new AuthenticationV1Api(reviews), clock, config.tokenSuccessTtl(),
                config.tokenFailureTtl());
        SubjectAccessReviewer authorizer = new SubjectAccessReviewer(new AuthorizationV1Api(reviews), clock,
                config.allowTtl(), config.denyTtl());
        AuthFilter filter = new AuthFilter(config, watcher, new RequestAuthenticator(watcher, tokens, clock),
                authorizer);
        LOG.atInfo().addKeyValue("apiserver", config.apiserverUrl().toString())
                .addKeyValue("configMap", config.configMapNamespace() + "/" + config.configMapName())
                .addKeyValue("alwaysAllowPaths", config.alwaysAllowPaths())
                .log("delegated authentication and authorization on (TokenReview, SubjectAccessReview, front-proxy "
                        + "and client certificates)");
        return new DelegatedAuth(filter, watcher);
    }

    private static ApiClient client(AuthConfig config, Duration readTimeout) {
        try {
            ClientBuilder builder = new ClientBuilder().setBasePath(config.apiserverUrl().toString())
                    .setReadTimeout(readTimeout);
            if (config.apiserverTokenFile() != null) {
                builder.setAuthentication(new TokenFileAuthentication(config.apiserverTokenFile().toString()));
            }
            if (config.apiserverCaFile() != null && "https".equals(config.apiserverUrl().getScheme())) {
                builder.setCertificateAuthority(Files.readAllBytes(config.apiserverCaFile()));
            }
            ApiClient client = builder.build();
            client.setHttpClient(client.getHttpClient().newBuilder()
                    .connectTimeout(config.apiserverTimeout())
                    .callTimeout(readTimeout.isZero() ? Duration.ZERO : readTimeout)
                    .build());
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read APISERVER_CA_FILE " + config.apiserverCaFile(), e);
        }
    }

    public Handler filter() {
        return filter;
    }

    /** Ready once the authentication ConfigMap was read (absent with AUTH_MODE=off). */
    public Optional<HealthCheck> readiness() {
        return watcher == null ? Optional.empty() : Optional.of(watcher.readiness());
    }

    public Optional<AuthenticationConfigWatcher> watcher() {
        return Optional.ofNullable(watcher);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
