package dev.metricsstream.gateway.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayMain;
import dev.metricsstream.gateway.support.Kubectl;
import dev.metricsstream.gateway.support.TestGateway;
import dev.metricsstream.gateway.support.Tools;
import dev.metricsstream.gateway.tls.TlsMaterial;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.ContainerSpec;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodSpec;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real broker: simulated kubelets → collector → aggregator → gateway, in simulated time
 * (one clock for all four), answering the HPA's request over HTTPS.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineChainIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "chain-token";

    @Test
    void the_hpa_request_returns_exactly_the_matching_pods_with_the_simulated_usage(KafkaBroker broker,
            @TempDir Path dir) throws Exception {
        Topics topics = broker.createUniqueTopics(1);
        SimClock clock = SimClock.at(Instant.now().minusSeconds(45));
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(2).podsPerNode(5).seed(7).clock(clock)
                .token(TOKEN).wholeSecondSamples(true).build().start()) {
            SimNode first = sim.nodes().get(0);
            SimNode second = sim.nodes().get(1);
            first.addPod(PodSpec.builder("shop", "web-1").label("app", "web")
                    .container(ContainerSpec.of("nginx", "nginx:1.27", 250, 128)).build());
            second.addPod(PodSpec.builder("shop", "web-2").label("app", "web")
                    .container(ContainerSpec.of("nginx", "nginx:1.27", 120, 96))
                    .container(ContainerSpec.of("envoy", "envoy:1.31", 40, 64)).build());
            first.addPod(PodSpec.builder("shop", "db-0").label("app", "db")
                    .container(ContainerSpec.of("postgres", "postgres:17", 500, 1024)).build());

            Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
            Path token = Files.writeString(dir.resolve("token"), TOKEN);
            Map<String, String> collectorEnv = new HashMap<>();
            collectorEnv.put("KUBELET_TARGETS", sim.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                    .collect(Collectors.joining(",")));
            collectorEnv.put("KUBELET_CA_FILE", ca.toString());
            collectorEnv.put("TOKEN_FILE", token.toString());
            collectorEnv.put("METADATA_SOURCE", "kubelet");
            collectorEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            collectorEnv.put("TOPIC_PREFIX", topics.prefix());
            collectorEnv.put("OPS_PORT", "-1");

            Map<String, String> aggregatorEnv = new HashMap<>();
            aggregatorEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            aggregatorEnv.put("TOPIC_PREFIX", topics.prefix());
            aggregatorEnv.put("APPLICATION_ID", "chain-agg-" + topics.prefix().replace(".", ""));
            aggregatorEnv.put("STATE_DIR", dir.resolve("agg").toString());
            aggregatorEnv.put("OPS_HOST", "127.0.0.1");
            aggregatorEnv.put("OPS_PORT", "0");
            aggregatorEnv.put("COMMIT_INTERVAL", "100ms");

            TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "chain");
            tls.writeTo(dir.resolve("certs"));
            GatewayConfig gatewayConfig = GatewayConfig.fromEnv(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "TOPIC_PREFIX", topics.prefix(),
                    "APPLICATION_ID", "chain-gw-" + topics.prefix().replace(".", ""),
                    "STATE_DIR", dir.resolve("gw").toString(), "BIND_ADDRESS", "127.0.0.1", "HTTPS_PORT", "0",
                    "TLS_CERT_DIR", dir.resolve("certs").toString(), "AUTH_MODE", "off"));

            try (CollectorApp collector = CollectorApp.create(CollectorConfig.from(collectorEnv), clock,
                         new PrometheusRegistry());
                 AggregatorApp aggregator = AggregatorApp.start(AggregatorConfig.from(aggregatorEnv),
                         new PrometheusRegistry());
                 GatewayMain gateway = GatewayMain.start(gatewayConfig, () -> clock.instant().toEpochMilli(),
                         new PrometheusRegistry())) {
                HttpClient http = HttpClient.newBuilder().sslContext(TestGateway.trusting(tls)).build();
                String base = "https://localhost:" + gateway.server().httpsPort();

                clock.advance(Duration.ofSeconds(30));
                collector.scrapeOnce();
                clock.advance(Duration.ofSeconds(15));
                collector.scrapeOnce();

                String hpa = base + "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb";
                await().atMost(WAIT).ignoreExceptions().until(() -> names(get(http, hpa)).size() == 2);
                JsonNode list = MAPPER.readTree(get(http, hpa).body());
                assertEquals(List.of("web-1", "web-2"), names(get(http, hpa)));
                for (JsonNode item : list.get("items")) {
                    String name = item.at("/metadata/name").asText();
                    SimNode node = name.equals("web-1") ? first : second;
                    for (JsonNode container : item.get("containers")) {
                        long expected = sim.trueCpuNanocores(node.name(), "shop", name, container.get("name").asText());
                        long served = nanocores(container.at("/usage/cpu").asText());
                        assertTrue(Math.abs(served - expected) <= expected / 100,
                                name + "/" + container.get("name").asText() + ": served " + served + " expected " + expected);
                    }
                    assertEquals("app", item.at("/metadata/labels").fieldNames().next());
                }
                assertEquals(200, get(http, base + "/apis/metrics.k8s.io/v1/namespaces/shop/pods/db-0").statusCode());

                Tools.Result top = Kubectl.run(dir, gateway.server().httpsPort(), tls.certificatePem(),
                        "top", "pod", "-n", "shop", "-l", "app in (web,db)");
                assertEquals(0, top.exitCode(), top.stderr());
                List<String> rows = Kubectl.rows(top);
                assertEquals(4, rows.size(), top.stdout());
                assertTrue(rows.get(1).startsWith("db-0 500m "), top.stdout());
                assertTrue(rows.get(2).startsWith("web-1 250m "), top.stdout());
                assertTrue(rows.get(3).startsWith("web-2 160m "), top.stdout());
                await().atMost(WAIT).until(() -> names(get(http, base + "/apis/metrics.k8s.io/v1beta1/nodes")).size() == 2);
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept",
                "application/vnd.kubernetes.protobuf, */*").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(HttpResponse<String> response) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode item : MAPPER.readTree(response.body()).get("items")) {
            names.add(item.at("/metadata/name").asText());
        }
        return names;
    }

    /** Parses the canonical CPU quantities the gateway writes ("250m", "123456789n", "1"). */
    private static long nanocores(String quantity) {
        return new io.kubernetes.client.custom.Quantity(quantity).getNumber().movePointRight(9).longValueExact();
    }
}
