package dev.metricsstream.collector;

import static dev.metricsstream.collector.ConfigEnv.caAndBroker;
import static dev.metricsstream.collector.ConfigEnv.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.CollectorConfig.MetadataMode;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.scrape.Sources;
import dev.metricsstream.common.config.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> minimal() throws Exception {
        return plus(caAndBroker(dir), "NODE_NAME", "node-a", "NODE_IP", "10.0.0.5", "METADATA_SOURCE", "kubelet");
    }

    @Test
    void defaults_target_the_own_kubelet_on_the_node_ip_every_15_seconds() throws Exception {
        CollectorConfig config = CollectorConfig.from(minimal());

        assertEquals(List.of(new ScrapeTarget("node-a", URI.create("https://10.0.0.5:10250"))), config.targets());
        assertEquals(Sources.METRICS_RESOURCE, config.sources());
        assertEquals(Duration.ofSeconds(15), config.resolution());
        assertEquals(Duration.ofSeconds(9), config.scrapeTimeout());
        assertEquals(32L * 1024 * 1024, config.maxResponseBytes());
        assertEquals(20, config.bufferScrapes());
        assertFalse(config.insecureTls());
        assertEquals("kafka:9092", config.kafka().clientProperties().get("bootstrap.servers"));
        assertEquals("kubelet-scrapes", config.topics().kubeletScrapes().name());
    }

    @Test
    void every_problem_is_reported_at_once() {
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.from(Map.of(
                "SCRAPE_RESOLUTION", "5s",
                "SCRAPE_TIMEOUT", "14s",
                "KUBELET_SOURCE", "cadvisor",
                "KUBELET_CA_FILE", "/nonexistent/ca.crt",
                "BUFFER_SCRAPES", "0")));

        List<String> problems = e.problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("NODE_NAME is required")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("KUBELET_URL or NODE_IP")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("SCRAPE_RESOLUTION must be between 10s")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("SCRAPE_TIMEOUT must be shorter than 0.9")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("KUBELET_SOURCE must be one of")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("KUBELET_CA_FILE /nonexistent/ca.crt")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("BUFFER_SCRAPES")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("KAFKA_BOOTSTRAP_SERVERS is required")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("METADATA_SOURCE=apiserver needs")));
        assertTrue(problems.size() >= 9);
    }

    @Test
    void a_static_target_list_replaces_the_own_node() throws Exception {
        Map<String, String> env = plus(minimal(),
                "KUBELET_TARGETS", "n1=https://127.0.0.1:10250, n2=https://[::1]:10251", "KUBELET_SOURCE", "both");
        env.remove("NODE_NAME");

        CollectorConfig config = CollectorConfig.from(env);

        assertEquals(List.of("n1", "n2"), config.targets().stream().map(ScrapeTarget::nodeName).toList());
        assertEquals(Sources.BOTH, config.sources());
        assertEquals(2, config.scrapeConcurrency());
    }

    @Test
    void insecure_tls_needs_no_ca_and_no_token_file_is_none() throws Exception {
        Map<String, String> env = plus(minimal(), "KUBELET_CA_FILE", "/nonexistent", "KUBELET_INSECURE_TLS", "true",
                "TOKEN_FILE", "none", "METADATA_SOURCE", "none");

        CollectorConfig config = CollectorConfig.from(env);

        assertTrue(config.insecureTls());
        assertNull(config.tokenFile());
        assertEquals(MetadataMode.NONE, config.metadataMode());
    }

    @Test
    void kafka_secrets_are_hidden_when_the_config_is_printed() throws Exception {
        Map<String, String> env = minimal();
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule password=\"s3cr3t\";");

        String printed = CollectorConfig.from(env).toString();

        assertFalse(printed.contains("s3cr3t"), printed);
        assertTrue(printed.contains("sasl.jaas.config=[hidden]"), printed);
    }

    @Test
    void kubelet_and_apiserver_credentials_default_to_the_shared_token_and_the_kubelet_ca() throws Exception {
        Map<String, String> env = minimal();
        Path token = Files.writeString(dir.resolve("token"), "t");
        env.put("TOKEN_FILE", token.toString());

        CollectorConfig config = CollectorConfig.from(env);

        assertEquals(token, config.tokenFile());
        assertEquals(token, config.apiserverTokenFile());
        assertEquals(config.caFile(), config.apiserverCaFile());
    }

    @Test
    void kubelet_and_apiserver_credentials_can_be_set_apart_and_unreadable_files_are_reported_together()
            throws Exception {
        Path kubeletToken = Files.writeString(dir.resolve("kubelet-token"), "k");
        Path apiCa = Files.writeString(dir.resolve("api-ca.crt"), "not checked here");
        Map<String, String> env = plus(minimal(), "TOKEN_FILE", "none",
                "KUBELET_TOKEN_FILE", kubeletToken.toString(), "APISERVER_CA_FILE", apiCa.toString());

        CollectorConfig config = CollectorConfig.from(env);

        assertEquals(kubeletToken, config.tokenFile());
        assertNull(config.apiserverTokenFile(), "APISERVER_TOKEN_FILE falls back to TOKEN_FILE=none");
        assertEquals(apiCa, config.apiserverCaFile());
        assertEquals(dir.resolve("ca.crt"), config.caFile());

        env.put("APISERVER_TOKEN_FILE", "/nonexistent/token");
        env.put("APISERVER_CA_FILE", "/nonexistent/ca.crt");
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.from(env));
        assertTrue(e.getMessage().contains("APISERVER_TOKEN_FILE /nonexistent/token is not readable"), e.getMessage());
        assertTrue(e.getMessage().contains("APISERVER_CA_FILE /nonexistent/ca.crt is not readable"), e.getMessage());
    }
}
