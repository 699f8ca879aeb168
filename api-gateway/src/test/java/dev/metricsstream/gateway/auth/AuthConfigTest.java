package dev.metricsstream.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.common.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthConfigTest {
    private static AuthConfig read(Map<String, String> env) {
        EnvReader reader = new EnvReader(env);
        AuthConfig config = AuthConfig.from(reader);
        reader.finish();
        return config;
    }

    @Test
    void delegated_is_the_default_and_finds_the_apiserver_in_cluster() {
        AuthConfig config = read(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"));

        assertEquals(AuthConfig.Mode.DELEGATED, config.mode());
        assertEquals(URI.create("https://10.96.0.1:443"), config.apiserverUrl());
        assertEquals("kube-system", config.configMapNamespace());
        assertEquals("extension-apiserver-authentication", config.configMapName());
        assertEquals(List.of("/healthz", "/livez", "/readyz"), config.alwaysAllowPaths());
        assertEquals(List.of("system:masters"), config.alwaysAllowGroups());
        assertEquals(Duration.ofSeconds(10), config.tokenSuccessTtl());
        assertEquals(Duration.ofSeconds(2), config.tokenFailureTtl());
        assertEquals(Duration.ofSeconds(10), config.allowTtl());
    }

    @Test
    void always_allowed_paths_match_exactly_or_by_a_trailing_star() {
        AuthConfig config = read(Map.of("AUTHORIZATION_ALWAYS_ALLOW_PATHS", "/healthz,/openapi/*"));

        assertTrue(config.alwaysAllowed("/healthz"));
        assertFalse(config.alwaysAllowed("/healthz/extra"));
        assertTrue(config.alwaysAllowed("/openapi/v2"));
        assertFalse(config.alwaysAllowed("/readyz"));
    }

    @Test
    void every_problem_is_reported_at_once() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("AUTH_MODE", "maybe",
                "AUTHENTICATION_CONFIGMAP", "no-slash", "AUTHORIZATION_ALWAYS_ALLOW_PATHS", "healthz")));

        assertTrue(e.getMessage().contains("AUTH_MODE"), e.getMessage());
        assertTrue(e.getMessage().contains("AUTHENTICATION_CONFIGMAP"), e.getMessage());
        assertTrue(e.getMessage().contains("AUTHORIZATION_ALWAYS_ALLOW_PATHS"), e.getMessage());
    }

    @Test
    void auth_off_installs_the_no_op_filter_and_delegated_without_an_apiserver_refuses_to_start() {
        try (DelegatedAuth off = DelegatedAuth.start(read(Map.of("AUTH_MODE", "OFF")), InstantSource.system())) {
            assertEquals(AuthFilter.NONE, off.filter());
            assertTrue(off.readiness().isEmpty());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DelegatedAuth.start(read(Map.of()), InstantSource.system()));
        assertTrue(e.getMessage().contains("APISERVER_URL"), e.getMessage());
    }
}
