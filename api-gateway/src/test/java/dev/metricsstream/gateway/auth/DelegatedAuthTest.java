package dev.metricsstream.gateway.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.common.config.EnvReader;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.testkit.tls.TestPki;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's delegated authentication and authorization end to end: real HTTPS with client certificates from a
 * throwaway CA hierarchy, and a kube-apiserver double on a loopback socket that records every review it is asked.
 */
class DelegatedAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PODS = "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods";
    private static TestPki.Issued frontProxyCa;
    private static TestPki.Issued clientCa;
    private static TestPki.Issued otherCa;
    private static TestPki.Issued frontProxy;
    private static TlsMaterial serving;

    private FakeKubeApiServer apiserver;
    private DelegatedAuth auth;
    private GatewayServer gateway;
    private final AtomicLong nowMillis = new AtomicLong(System.currentTimeMillis());
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());

    @BeforeAll
    static void pki() throws Exception {
        frontProxyCa = TestPki.ca("front-proxy-ca");
        clientCa = TestPki.ca("kubernetes-client-ca");
        otherCa = TestPki.ca("someone-elses-ca");
        frontProxy = frontProxyCa.issueClient("front-proxy-client");
        serving = TlsMaterial.selfSigned("metrics-stream-gateway", "test");
    }

    static Map<String, String> configMapData(String allowedNamesJson) {
        Map<String, String> data = new HashMap<>();
        data.put("requestheader-client-ca-file", frontProxyCa.certificatePem());
        data.put("requestheader-allowed-names", allowedNamesJson);
        data.put("requestheader-username-headers", "[\"X-Remote-User\"]");
        data.put("requestheader-group-headers", "[\"X-Remote-Group\"]");
        data.put("requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]");
        data.put("client-ca-file", clientCa.certificatePem());
        return data;
    }

    @BeforeEach
    void start() throws Exception {
        apiserver = new FakeKubeApiServer(configMapData("[\"front-proxy-client\"]"));
        EnvReader env = new EnvReader(Map.of("APISERVER_URL", apiserver.url().toString(), "APISERVER_TIMEOUT", "3s"));
        AuthConfig config = AuthConfig.from(env);
        env.finish();
        auth = DelegatedAuth.start(config, clock);
        assertTrue(auth.watcher().orElseThrow().awaitFirstRead(Duration.ofSeconds(10)), "ConfigMap read");
        gateway = GatewayServer.start(new Serving("127.0.0.1", 0, -1, serving),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(new InMemoryMetricsStore(), clock, auth.filter(),
                        new PrometheusRegistry(), new Health()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        auth.close();
        apiserver.close();
    }

    private HttpResponse<String> get(SSLContext tls, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("https://localhost:" + gateway.httpsPort() + path)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newBuilder().sslContext(tls).build().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext noCertificate() {
        return TestGateway.trusting(serving);
    }

    private static final String[] JANE_HEADERS = {"X-Remote-User", "jane", "X-Remote-Group", "developers",
        "X-Remote-Group", "oncall", "X-Remote-Extra-Scopes", "view", "X-Remote-Extra-Acme.com%2Fteam", "metrics"};

    private JsonNode lastSarSpec() {
        assertFalse(apiserver.accessReviews.isEmpty(), "a SubjectAccessReview was sent");
        return apiserver.accessReviews.get(apiserver.accessReviews.size() - 1).path("spec");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    @Test
    void a_front_proxy_certificate_with_headers_is_the_header_user_with_groups_and_extras() throws Exception {
        HttpResponse<String> response = get(frontProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode spec = lastSarSpec();
        assertEquals("jane", spec.path("user").asText());
        assertEquals(List.of("developers", "oncall", "system:authenticated"), strings(spec.path("groups")));
        assertEquals(List.of("view"), strings(spec.path("extra").path("scopes")));
        assertEquals(List.of("metrics"), strings(spec.path("extra").path("acme.com/team")));
        JsonNode attributes = spec.path("resourceAttributes");
        assertEquals("default", attributes.path("namespace").asText());
        assertEquals("list", attributes.path("verb").asText());
        assertEquals("metrics.k8s.io", attributes.path("group").asText());
        assertEquals("v1beta1", attributes.path("version").asText());
        assertEquals("pods", attributes.path("resource").asText());
        assertEquals("", attributes.path("name").asText());
        assertTrue(apiserver.tokenReviews.isEmpty(), "no TokenReview for a front-proxy request");
    }

    @Test
    void front_proxy_headers_without_a_certificate_are_ignored() throws Exception {
        HttpResponse<String> response = get(noCertificate(), PODS, JANE_HEADERS);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("Unauthorized", JSON.readTree(response.body()).path("message").asText());
        assertTrue(apiserver.accessReviews.isEmpty(), "an anonymous request is refused before any review");
    }

    @Test
    void front_proxy_headers_with_a_certificate_from_another_ca_are_ignored() throws Exception {
        TestPki.Issued impostor = otherCa.issueClient("front-proxy-client");

        HttpResponse<String> response = get(impostor.clientContext(serving.certificate()), PODS, JANE_HEADERS);

        assertEquals(401, response.statusCode(), response.body());
        assertTrue(apiserver.accessReviews.stream().noneMatch(r -> r.path("spec").path("user").asText().equals("jane")));
    }

    @Test
    void front_proxy_headers_with_a_common_name_outside_the_allowed_names_are_ignored() throws Exception {
        TestPki.Issued notAllowed = frontProxyCa.issueClient("some-other-proxy");

        HttpResponse<String> response = get(notAllowed.clientContext(serving.certificate()), PODS, JANE_HEADERS);

        assertEquals(401, response.statusCode(), response.body());
        assertTrue(apiserver.accessReviews.isEmpty());
    }

    @Test
    void a_client_ca_certificate_authenticates_as_its_common_name_and_organizations_and_headers_are_ignored()
            throws Exception {
        TestPki.Issued alice = clientCa.issueClient("alice", "team-a", "team-b");

        HttpResponse<String> response = get(alice.clientContext(serving.certificate()), "/apis/metrics.k8s.io/v1beta1/nodes/node-1",
                JANE_HEADERS);

        assertEquals(404, response.statusCode(), response.body()); // authorized; the node is simply not there
        JsonNode spec = lastSarSpec();
        assertEquals("alice", spec.path("user").asText());
        assertEquals(List.of("team-a", "team-b", "system:authenticated"), strings(spec.path("groups")));
        assertTrue(spec.path("extra").isMissingNode() || spec.path("extra").isEmpty(), spec.toString());
        JsonNode attributes = spec.path("resourceAttributes");
        assertEquals("get", attributes.path("verb").asText());
        assertEquals("nodes", attributes.path("resource").asText());
        assertEquals("node-1", attributes.path("name").asText());
        assertEquals("", attributes.path("namespace").asText());
    }

    @Test
    void a_bearer_token_is_checked_with_a_token_review_and_its_user_is_authorized() throws Exception {
        apiserver.addToken("token-of-bob", "system:serviceaccount:monitoring:bob", "uid-bob",
                List.of("system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"));

        HttpResponse<String> response = get(noCertificate(), "/apis/metrics.k8s.io/v1beta1/pods?watch=false",
                "Authorization", "Bearer token-of-bob");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("token-of-bob", apiserver.tokenReviews.get(0).path("spec").path("token").asText());
        JsonNode spec = lastSarSpec();
        assertEquals("system:serviceaccount:monitoring:bob", spec.path("user").asText());
        assertEquals("uid-bob", spec.path("uid").asText());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"),
                strings(spec.path("groups")));
        assertEquals("list", spec.path("resourceAttributes").path("verb").asText());
        assertEquals("", spec.path("resourceAttributes").path("namespace").asText());
    }

    @Test
    void members_of_system_masters_skip_the_access_review_as_in_k8s_apiserver() throws Exception {
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(false, ""));
        TestPki.Issued admin = clientCa.issueClient("kubernetes-admin", "system:masters");

        HttpResponse<String> response = get(admin.clientContext(serving.certificate()), PODS);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(apiserver.accessReviews.isEmpty());
    }

    @Test
    void an_unknown_bearer_token_is_401_with_a_status_body() throws Exception {
        HttpResponse<String> response = get(noCertificate(), PODS, "Authorization", "Bearer forged");

        assertEquals(401, response.statusCode());
        JsonNode status = JSON.readTree(response.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Unauthorized", status.path("reason").asText());
        assertEquals(401, status.path("code").asInt());
        assertEquals(1, apiserver.tokenReviews.size());
    }

    @Test
    void a_denied_request_is_403_with_the_apiservers_wording() throws Exception {
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(false, ""));

        HttpResponse<String> pods = get(frontProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS);
        HttpResponse<String> node = get(frontProxy.clientContext(serving.certificate()),
                "/apis/metrics.k8s.io/v1beta1/nodes/node-1", JANE_HEADERS);
        HttpResponse<String> metrics = get(frontProxy.clientContext(serving.certificate()), "/metrics", JANE_HEADERS);

        assertEquals(403, pods.statusCode(), pods.body());
        JsonNode status = JSON.readTree(pods.body());
        assertEquals("Forbidden", status.path("reason").asText());
        assertEquals("pods.metrics.k8s.io is forbidden: User \"jane\" cannot list resource \"pods\" in API group "
                + "\"metrics.k8s.io\" in the namespace \"default\"", status.path("message").asText());
        assertEquals("metrics.k8s.io", status.path("details").path("group").asText());
        assertEquals("pods", status.path("details").path("kind").asText());
        assertEquals(403, status.path("code").asInt());
        assertEquals(403, node.statusCode());
        assertEquals("nodes.metrics.k8s.io \"node-1\" is forbidden: User \"jane\" cannot get resource \"nodes\" in "
                + "API group \"metrics.k8s.io\" at the cluster scope",
                JSON.readTree(node.body()).path("message").asText());
        assertEquals(403, metrics.statusCode());
        assertEquals("forbidden: User \"jane\" cannot get path \"/metrics\"",
                JSON.readTree(metrics.body()).path("message").asText());
        JsonNode nonResource = lastSarSpec().path("nonResourceAttributes");
        assertEquals("/metrics", nonResource.path("path").asText());
        assertEquals("get", nonResource.path("verb").asText());
    }

    @Test
    void custom_and_external_metrics_pass_the_same_delegated_auth_as_the_hpa_controller_would_meet_it()
            throws Exception {
        String hpa = "system:serviceaccount:kube-system:horizontal-pod-autoscaler";
        // allow only what k8s/components/custom-metrics grants: pods/<metric> in custom.metrics.k8s.io
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(spec.path("user").asText().equals(hpa)
                && spec.path("resourceAttributes").path("group").asText().equals("custom.metrics.k8s.io")
                && spec.path("resourceAttributes").path("resource").asText().equals("pods")
                && spec.path("resourceAttributes").path("subresource").asText().equals("cpu_usage_avg_5m"), ""));
        String[] hpaHeaders = {"X-Remote-User", hpa, "X-Remote-Group", "system:serviceaccounts",
            "X-Remote-Group", "system:authenticated"};
        String path = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/cpu_usage_avg_5m?labelSelector="
                + "app%3Dweb";

        HttpResponse<String> allowed = get(frontProxy.clientContext(serving.certificate()), path, hpaHeaders);
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals("MetricValueList", JSON.readTree(allowed.body()).path("kind").asText());
        JsonNode attributes = lastSarSpec().path("resourceAttributes");
        assertEquals("get", attributes.path("verb").asText());
        assertEquals("shop", attributes.path("namespace").asText());
        assertEquals("*", attributes.path("name").asText());

        HttpResponse<String> denied = get(frontProxy.clientContext(serving.certificate()), path, JANE_HEADERS);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("Forbidden", JSON.readTree(denied.body()).path("reason").asText());
        HttpResponse<String> external = get(frontProxy.clientContext(serving.certificate()),
                "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/cpu_usage_sum", hpaHeaders);
        assertEquals(403, external.statusCode(), external.body());
        assertEquals("external.metrics.k8s.io", lastSarSpec().path("resourceAttributes").path("group").asText());
    }

    @Test
    void the_denial_reason_from_the_apiserver_is_appended() throws Exception {
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(false, "no RBAC policy matched"));

        HttpResponse<String> response = get(frontProxy.clientContext(serving.certificate()), "/openapi/v2", JANE_HEADERS);

        assertEquals(403, response.statusCode());
        assertEquals("forbidden: User \"jane\" cannot get path \"/openapi/v2\": no RBAC policy matched",
                JSON.readTree(response.body()).path("message").asText());
    }

    @Test
    void discovery_is_authorized_by_the_apiserver_as_non_resource_paths() throws Exception {
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(
                spec.path("nonResourceAttributes").path("path").asText().startsWith("/apis"), ""));

        HttpResponse<String> groups = get(frontProxy.clientContext(serving.certificate()), "/apis", JANE_HEADERS);
        HttpResponse<String> group = get(frontProxy.clientContext(serving.certificate()), "/apis/metrics.k8s.io/v1beta1",
                JANE_HEADERS);
        HttpResponse<String> version = get(frontProxy.clientContext(serving.certificate()), "/version", JANE_HEADERS);

        assertEquals(200, groups.statusCode(), groups.body());
        assertEquals(200, group.statusCode(), group.body());
        assertEquals(403, version.statusCode(), version.body());
        List<String> paths = apiserver.accessReviews.stream()
                .map(r -> r.path("spec").path("nonResourceAttributes").path("path").asText()).toList();
        assertEquals(List.of("/apis", "/apis/metrics.k8s.io/v1beta1", "/version"), paths);
    }

    @Test
    void probes_are_always_allowed_and_anonymous_requests_elsewhere_are_401() throws Exception {
        apiserver.policy(spec -> new FakeKubeApiServer.Answer(false, ""));

        assertEquals(200, get(noCertificate(), "/healthz").statusCode());
        assertEquals(200, get(noCertificate(), "/livez").statusCode());
        assertEquals(401, get(noCertificate(), "/metrics").statusCode());
        assertEquals(401, get(noCertificate(), "/apis").statusCode());
        assertTrue(apiserver.accessReviews.isEmpty());
    }

    @Test
    void an_unreachable_apiserver_is_503_never_an_allow() throws Exception {
        apiserver.addToken("token-of-bob", "bob", "uid-bob", List.of());
        apiserver.close();

        HttpResponse<String> proxied = get(frontProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS);
        HttpResponse<String> token = get(noCertificate(), PODS, "Authorization", "Bearer token-of-bob");

        assertEquals(503, proxied.statusCode(), proxied.body());
        JsonNode status = JSON.readTree(proxied.body());
        assertEquals("ServiceUnavailable", status.path("reason").asText());
        assertTrue(status.path("message").asText().startsWith("SubjectAccessReview failed: the apiserver is "
                + "unreachable"), status.path("message").asText());
        assertEquals(503, token.statusCode(), token.body());
        assertTrue(JSON.readTree(token.body()).path("message").asText().startsWith("TokenReview failed"));
    }

    @Test
    void decisions_and_token_reviews_are_cached_until_their_ttl_passes() throws Exception {
        apiserver.addToken("token-of-bob", "bob", "uid-bob", List.of());

        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(noCertificate(), PODS, "Authorization", "Bearer token-of-bob").statusCode());
        }
        assertEquals(1, apiserver.tokenReviews.size());
        assertEquals(1, apiserver.accessReviews.size());

        nowMillis.addAndGet(Duration.ofSeconds(9).toMillis());
        assertEquals(200, get(noCertificate(), PODS, "Authorization", "Bearer token-of-bob").statusCode());
        assertEquals(1, apiserver.accessReviews.size());

        nowMillis.addAndGet(Duration.ofSeconds(2).toMillis());
        assertEquals(200, get(noCertificate(), PODS, "Authorization", "Bearer token-of-bob").statusCode());
        assertEquals(2, apiserver.tokenReviews.size());
        assertEquals(2, apiserver.accessReviews.size());
    }

    @Test
    void a_rejected_token_is_remembered_only_briefly() throws Exception {
        assertEquals(401, get(noCertificate(), PODS, "Authorization", "Bearer not-yet").statusCode());
        assertEquals(401, get(noCertificate(), PODS, "Authorization", "Bearer not-yet").statusCode());
        assertEquals(1, apiserver.tokenReviews.size());

        apiserver.addToken("not-yet", "carol", "uid-carol", List.of());
        nowMillis.addAndGet(Duration.ofMillis(2_100).toMillis());

        assertEquals(200, get(noCertificate(), PODS, "Authorization", "Bearer not-yet").statusCode());
        assertEquals("carol", lastSarSpec().path("user").asText());
    }

    @Test
    void a_changed_configmap_is_applied_without_a_restart() throws Exception {
        TestPki.Issued secondProxy = frontProxyCa.issueClient("front-proxy-client-2");
        assertEquals(401, get(secondProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS).statusCode());
        await().atMost(Duration.ofSeconds(10)).until(() -> apiserver.configMapWatches.get() > 0);

        apiserver.updateConfigMap(configMapData("[\"front-proxy-client\",\"front-proxy-client-2\"]"));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(secondProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS).statusCode() == 200);
        assertEquals("jane", lastSarSpec().path("user").asText());
    }

    @Test
    void a_rotated_front_proxy_ca_is_applied_without_a_restart() throws Exception {
        TestPki.Issued newCa = TestPki.ca("front-proxy-ca-2");
        TestPki.Issued newProxy = newCa.issueClient("front-proxy-client");
        await().atMost(Duration.ofSeconds(10)).until(() -> apiserver.configMapWatches.get() > 0);
        Map<String, String> rotated = configMapData("[\"front-proxy-client\"]");
        rotated.put("requestheader-client-ca-file", newCa.certificatePem());

        apiserver.updateConfigMap(rotated);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(newProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS).statusCode() == 200);
        assertEquals(401, get(frontProxy.clientContext(serving.certificate()), PODS, JANE_HEADERS).statusCode());
    }
}
