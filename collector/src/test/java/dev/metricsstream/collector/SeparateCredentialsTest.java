package dev.metricsstream.collector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.ApiServerMetadataSource;
import dev.metricsstream.collector.metadata.FakeApiServer;
import dev.metricsstream.collector.testing.FakeKubelet;
import dev.metricsstream.testkit.tls.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet whose serving certificate one CA signed and an apiserver that another CA signed, each with its own
 * token, work together in one collector: {@code KUBELET_CA_FILE}/{@code KUBELET_TOKEN_FILE} for the kubelet,
 * {@code APISERVER_CA_FILE}/{@code APISERVER_TOKEN_FILE} for the apiserver, over real TLS on loopback.
 */
class SeparateCredentialsTest {
    private static final String POD_LIST = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":"
            + "{\"resourceVersion\":\"7\"},\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
            + "\"web\",\"namespace\":\"shop\",\"uid\":\"u1\",\"resourceVersion\":\"6\",\"labels\":{\"app\":\"web\"}},"
            + "\"spec\":{\"nodeName\":\"node-a\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]},"
            + "\"status\":{\"phase\":\"Running\"}}]}";

    @TempDir
    Path dir;

    private static String get(KubeletHttp http, FakeKubelet kubelet) throws ScrapeException {
        return http.get(kubelet.baseUrl().resolve("/metrics/resource"), "text/plain",
                in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void a_kubelet_signed_by_one_ca_and_an_apiserver_signed_by_another_each_get_their_own_ca_and_token()
            throws Exception {
        TestPki.Issued caA = TestPki.selfSignedServer("system:node:node-a", "127.0.0.1");
        TestPki.Issued caB = TestPki.selfSignedServer("kube-apiserver", "127.0.0.1");
        Path dirA = Files.createDirectories(dir.resolve("a"));
        Path dirB = Files.createDirectories(dir.resolve("b"));
        try (FakeKubelet kubelet = new FakeKubelet(caA).respond("/metrics/resource", "ok\n");
                FakeApiServer apiserver = new FakeApiServer(caB.serverContext())) {
            kubelet.requireToken("kubelet-token");
            apiserver.enqueueList(POD_LIST);
            Map<String, String> env = new HashMap<>();
            env.put("NODE_NAME", "node-a");
            env.put("KUBELET_URL", kubelet.baseUrl().toString());
            env.put("KUBELET_CA_FILE", caA.writePem(dirA).toString());
            env.put("KUBELET_TOKEN_FILE", Files.writeString(dir.resolve("kubelet-token"), "kubelet-token").toString());
            env.put("APISERVER_URL", apiserver.url().toString());
            env.put("APISERVER_CA_FILE", caB.writePem(dirB).toString());
            env.put("APISERVER_TOKEN_FILE", Files.writeString(dir.resolve("api-token"), "api-token").toString());
            env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
            CollectorConfig config = CollectorConfig.from(env);

            KubeletHttp http = new KubeletHttp(CollectorParts.sslContext(config), new BearerToken(config.tokenFile()),
                    Duration.ofSeconds(5), 1 << 20);
            assertEquals("ok\n", get(http, kubelet));
            assertEquals("Bearer kubelet-token", kubelet.authorizations().get(0));

            try (ApiServerMetadataSource metadata = new ApiServerMetadataSource(CollectorParts.apiClient(config),
                    "node-a", Duration.ofMinutes(1))) {
                await().atMost(Duration.ofSeconds(20)).until(metadata::hasSynced);
                ScrapeTarget target = config.targets().get(0);
                assertEquals("u1", metadata.metadataFor(target).pods().get("shop/web").uid());
            }
            assertTrue(apiserver.authorizations().stream().filter(Objects::nonNull)
                    .allMatch("Bearer api-token"::equals), apiserver.authorizations().toString());
            assertTrue(!apiserver.authorizations().isEmpty());
        }
    }

    @Test
    void the_kubelet_ca_alone_does_not_verify_an_apiserver_signed_by_another_ca() throws Exception {
        TestPki.Issued caA = TestPki.selfSignedServer("system:node:node-a", "127.0.0.1");
        TestPki.Issued caB = TestPki.selfSignedServer("kube-apiserver", "127.0.0.1");
        try (FakeApiServer apiserver = new FakeApiServer(caB.serverContext())) {
            apiserver.enqueueList(POD_LIST);
            Map<String, String> env = new HashMap<>();
            env.put("NODE_NAME", "node-a");
            env.put("KUBELET_URL", "https://127.0.0.1:10250");
            env.put("KUBELET_CA_FILE", caA.writePem(dir).toString());
            env.put("TOKEN_FILE", "none");
            env.put("APISERVER_URL", apiserver.url().toString());
            env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
            CollectorConfig config = CollectorConfig.from(env);

            // today's default: the apiserver is verified against KUBELET_CA_FILE, so CA-B's certificate is refused
            io.kubernetes.client.openapi.apis.CoreV1Api api = new io.kubernetes.client.openapi.apis.CoreV1Api(
                    CollectorParts.apiClient(config));
            assertThrows(io.kubernetes.client.openapi.ApiException.class,
                    () -> api.listPodForAllNamespaces().execute());
            assertEquals(0, apiserver.requests().size(), "the TLS handshake failed before any request");
        }
    }
}
