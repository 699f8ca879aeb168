package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.common.config.ConfigException;
import dev.metricsstream.testkit.kubelet.KubeletSimulatorMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml cannot run here (no Docker engine): it is parsed and checked against the code instead. */
class ComposeFileTest {

    static final Map<String, ServiceKeys> OURS = Map.of("collector", ServiceKeys.COLLECTOR,
            "aggregator", ServiceKeys.AGGREGATOR, "api-gateway", ServiceKeys.GATEWAY);

    @SuppressWarnings("unchecked")
    static final Map<String, Object> COMPOSE = new Yaml().load(Repo.read("docker-compose.yml"));

    @SuppressWarnings("unchecked")
    static Map<String, Object> services() {
        return (Map<String, Object>) COMPOSE.get("services");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services().get(name);
        assertNotNull(service, "docker-compose.yml has no service " + name);
        return service;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> env(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service(name).get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                String s = String.valueOf(item);
                env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
            }
        }
        return env;
    }

    @Test
    void compose_runs_kafka_the_simulator_and_the_three_services() {
        assertEquals(Set.of("kafka", "kubelet-sim", "collector", "aggregator", "api-gateway"),
                services().keySet());
        assertTrue(String.valueOf(service("kafka").get("image")).startsWith("apache/kafka:"), "official image");
        assertEquals("broker,controller", env("kafka").get("KAFKA_PROCESS_ROLES"), "KRaft, no ZooKeeper");
    }

    @Test
    @SuppressWarnings("unchecked")
    void our_services_are_built_from_the_dockerfile_targets_and_tagged_as_the_manifests_expect() {
        Dockerfile dockerfile = Dockerfile.parse(Repo.read("Dockerfile"));
        for (String name : List.of("kubelet-sim", "collector", "aggregator", "api-gateway")) {
            Map<String, Object> build = (Map<String, Object>) service(name).get("build");
            assertNotNull(build, name + " is built from the repository");
            assertEquals(".", build.get("context"));
            String target = (String) build.get("target");
            assertTrue(dockerfile.stages().containsKey(target), name + ": no Dockerfile target " + target);
        }
        for (Map.Entry<String, ServiceKeys> ours : OURS.entrySet()) {
            assertEquals("ghcr.io/metrics-stream/" + ours.getValue().module + ":0.1.0",
                    service(ours.getKey()).get("image"));
        }
    }

    @Test
    void every_variable_set_for_a_service_is_one_its_code_reads() {
        List<String> unread = new ArrayList<>();
        OURS.forEach((name, keys) -> env(name).keySet().stream().filter(k -> !keys.reads(k))
                .forEach(k -> unread.add(name + ": " + k)));
        new TreeSet<>(env("kubelet-sim").keySet()).stream().filter(k -> !KubeletSimulatorMain.KEYS.contains(k))
                .forEach(k -> unread.add("kubelet-sim: " + k));
        assertEquals(List.of(), unread);
    }

    @Test
    void every_service_configuration_is_complete_and_valid(@TempDir Path dir) throws IOException {
        // files that exist only inside the containers (on the shared kubelet-sim volume) are replaced by local ones
        Path ca = Files.writeString(dir.resolve("ca.crt"), "placeholder");
        Path token = Files.writeString(dir.resolve("token"), "compose-demo-token");
        List<String> problems = new ArrayList<>();
        OURS.forEach((name, keys) -> {
            Map<String, String> env = new HashMap<>(env(name));
            env.computeIfPresent("KUBELET_CA_FILE", (k, v) -> ca.toString());
            env.computeIfPresent("TOKEN_FILE", (k, v) -> token.toString());
            try {
                keys.build.accept(env);
            } catch (ConfigException e) {
                problems.add(name + ": " + e.getMessage());
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void the_services_agree_on_the_scrape_resolution_and_the_staleness_bound() {
        Map<String, Map.Entry<ServiceKeys, Map<String, String>>> ours = new LinkedHashMap<>();
        OURS.forEach((name, keys) -> ours.put(name, Map.entry(keys, env(name))));
        assertEquals(List.of(), ResolutionAgreement.problems("docker-compose.yml", ours));
    }

    @Test
    void the_collector_scrapes_exactly_the_simulated_kubelets_with_the_simulators_token_and_ca() {
        Map<String, String> sim = env("kubelet-sim");
        Map<String, String> collector = env("collector");
        int nodes = Integer.parseInt(sim.get("NODES"));
        int basePort = Integer.parseInt(sim.get("BASE_PORT"));
        String host = sim.get("CERT_NAMES").split(",")[0];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            expected.add("sim-worker-" + (i + 1) + "=https://" + host + ":" + (basePort + i));
        }
        assertEquals(String.join(",", expected), collector.get("KUBELET_TARGETS"));
        String out = sim.get("OUT_DIR");
        assertEquals(out + "/ca.crt", collector.get("KUBELET_CA_FILE"));
        assertEquals(out + "/token", collector.get("TOKEN_FILE"));
        assertNotNull(sim.get("TOKEN"), "the kubelets demand a token as real ones do");
        assertTrue(mounts("collector").contains("kubelet-sim:" + out + ":ro"));
        assertTrue(mounts("kubelet-sim").contains("kubelet-sim:" + out));
        assertEquals("kubelet", collector.get("METADATA_SOURCE"), "no apiserver in compose: metadata from /pods");
    }

    @Test
    void the_gateway_runs_without_authentication_and_publishes_its_ports_on_localhost_only() {
        Map<String, String> env = env("api-gateway");
        assertEquals("off", env.get("AUTH_MODE"));
        List<?> ports = (List<?>) service("api-gateway").get("ports");
        assertEquals(List.of("127.0.0.1:" + env.get("HTTPS_PORT") + ":" + env.get("HTTPS_PORT"),
                "127.0.0.1:" + env.get("HTTP_PORT") + ":" + env.get("HTTP_PORT")), ports);
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_service_has_a_health_check_probing_a_port_it_really_opens() {
        Map<String, String> probedPort = Map.of("collector", env("collector").get("OPS_PORT"),
                "aggregator", env("aggregator").get("OPS_PORT"), "api-gateway", env("api-gateway").get("HTTP_PORT"));
        for (String name : services().keySet()) {
            Map<String, Object> health = (Map<String, Object>) service(name).get("healthcheck");
            assertNotNull(health, name + " has no healthcheck");
            String test = String.valueOf(health.get("test"));
            if (probedPort.containsKey(name)) {
                assertTrue(test.contains("/dev/tcp/127.0.0.1/" + probedPort.get(name) + " ")
                        && test.contains("GET /readyz"), name + " should probe /readyz on its port: " + test);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependencies_exist_and_wait_for_health_where_the_code_cannot_wait_itself() {
        for (Map.Entry<String, Object> entry : services().entrySet()) {
            Object dependsOn = ((Map<String, Object>) entry.getValue()).get("depends_on");
            if (dependsOn instanceof Map<?, ?> deps) {
                for (Object dep : deps.keySet()) {
                    assertTrue(services().containsKey(String.valueOf(dep)), entry.getKey() + " depends on " + dep);
                }
            }
        }
        Map<String, Object> collectorDeps = (Map<String, Object>) service("collector").get("depends_on");
        // the collector checks KUBELET_CA_FILE is readable at start: the simulator must have written it
        assertEquals(Map.of("condition", "service_healthy"), collectorDeps.get("kubelet-sim"));
        for (String name : OURS.keySet()) {
            Map<String, Object> deps = (Map<String, Object>) service(name).get("depends_on");
            assertEquals(Map.of("condition", "service_healthy"), deps.get("kafka"), name + " waits for Kafka");
            assertTrue(env(name).get("KAFKA_BOOTSTRAP_SERVERS").startsWith("kafka:"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void our_containers_have_a_read_only_root_and_write_only_to_volumes() {
        for (String name : List.of("kubelet-sim", "collector", "aggregator", "api-gateway")) {
            Map<String, Object> service = service(name);
            assertEquals(Boolean.TRUE, service.get("read_only"), name);
            assertEquals(List.of("/tmp"), service.get("tmpfs"), name);
        }
        for (String name : List.of("aggregator", "api-gateway")) {
            String stateDir = env(name).get("STATE_DIR");
            assertTrue(mounts(name).stream().anyMatch(m -> m.endsWith(":" + stateDir)), name + " state on a volume");
        }
        Set<String> declared = ((Map<String, Object>) COMPOSE.get("volumes")).keySet();
        for (String name : services().keySet()) {
            for (String mount : mounts(name)) {
                assertTrue(declared.contains(mount.substring(0, mount.indexOf(':'))), name + ": " + mount);
            }
        }
    }

    @Test
    void the_logging_switches_allowed_everywhere_are_really_read_by_common_logback() throws IOException {
        try (var in = getClass().getResourceAsStream("/logback.xml")) {
            assertNotNull(in, "common's logback.xml on the classpath");
            String logback = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String key : ServiceKeys.LOGGING_KEYS) {
                assertTrue(logback.contains("${" + key + ":-"), key);
            }
        }
    }

    @Test
    void a_variable_the_code_does_not_read_is_caught() {
        assertFalse(ServiceKeys.COLLECTOR.reads("SCRAPE_INTERVAL"), "a plausible typo must not pass");
        assertFalse(ServiceKeys.GATEWAY.reads("KAFKA_BOOTSTRAP_SERVER"), "not a Kafka client setting");
        assertTrue(ServiceKeys.AGGREGATOR.reads("KAFKA_SASL_JAAS_CONFIG"), "a real Kafka setting passes through");
    }

    @SuppressWarnings("unchecked")
    static List<String> mounts(String name) {
        Object volumes = service(name).get("volumes");
        return volumes == null ? List.of() : ((List<Object>) volumes).stream().map(String::valueOf).toList();
    }
}
