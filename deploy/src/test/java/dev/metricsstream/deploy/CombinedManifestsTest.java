package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.combined.CombinedConfig;
import dev.metricsstream.deploy.ManifestsTest.Rendered;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * k8s/components/combined, as kubectl kustomize renders it on the base (alone and with every other component): the
 * aggregator and the gateway as one Deployment running the combined image, wired where the gateway was.
 */
class CombinedManifestsTest {

    static final String COMBINED = "metrics-stream-combined";

    static Stream<Rendered> withCombined() throws Exception {
        List<Rendered> found = ManifestsTest.rendered().stream()
                .filter(r -> r.name().endsWith("base+combined") || r.name().endsWith("base+all-components")).toList();
        assertEquals(2, found.size(), "base+combined and base+all-components");
        return found.stream();
    }

    static Rendered base() throws Exception {
        return ManifestsTest.rendered().get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCombined")
    void one_deployment_runs_the_combined_image_and_neither_service_is_left_on_its_own(Rendered r) throws Exception {
        List<V1Deployment> deployments = r.all(V1Deployment.class);
        assertEquals(List.of(COMBINED), deployments.stream().map(d -> d.getMetadata().getName()).toList());
        V1Deployment d = deployments.get(0);
        List<V1Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size());
        assertEquals("ghcr.io/metrics-stream/combined:0.1.0", containers.get(0).getImage());
        assertEquals(ServiceKeys.COMBINED, ServiceKeys.forImage(containers.get(0).getImage()));
        for (var pod : ManifestsTest.pods(r).entrySet()) {
            for (V1Container c : pod.getValue().getSpec().getContainers()) {
                assertFalse(c.getImage().matches(".*/(aggregator|api-gateway):.*"),
                        r + " " + pod.getKey() + " still runs " + c.getImage());
            }
        }
        // as many aggregator instances and gateway replicas as the base had, and the same rolling update
        assertEquals(base().one(V1Deployment.class, "metrics-stream-gateway").getSpec().getReplicas(),
                d.getSpec().getReplicas());
        assertEquals(base().one(V1Deployment.class, "metrics-stream-aggregator").getSpec().getReplicas(),
                d.getSpec().getReplicas());
        assertEquals("0", d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().toString());
        assertTrue(ManifestsTest.selects(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCombined")
    void the_gateway_service_pdb_and_network_policy_select_the_combined_pods(Rendered r) {
        V1Deployment d = r.one(V1Deployment.class, COMBINED);
        V1Service service = r.one(V1Service.class, "metrics-stream-gateway");
        assertTrue(ManifestsTest.selects(service.getSpec().getSelector(), d.getSpec().getTemplate()),
                r + ": the APIServices' Service selects " + service.getSpec().getSelector());
        V1PodDisruptionBudget pdb = r.one(V1PodDisruptionBudget.class, "metrics-stream-gateway");
        assertTrue(ManifestsTest.selects(pdb.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate()));
        assertEquals("1", pdb.getSpec().getMinAvailable().toString());

        // ingress: the default deny, and for the combined pods the gateway's 8443 (the aggregator's 8082 is gone)
        List<V1NetworkPolicy> forCombined = r.all(V1NetworkPolicy.class).stream()
                .filter(p -> ManifestsTest.selects(p.getSpec().getPodSelector().getMatchLabels(),
                        d.getSpec().getTemplate())).toList();
        assertEquals(List.of("metrics-stream-gateway"),
                forCombined.stream().map(p -> p.getMetadata().getName()).toList());
        assertEquals(8443, forCombined.get(0).getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntValue());
        // no rule is left for pods that are gone
        assertTrue(r.all(V1NetworkPolicy.class).stream()
                .noneMatch(p -> p.getMetadata().getName().equals("metrics-stream-aggregator")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCombined")
    void the_pods_run_as_the_gateways_service_account_with_its_delegated_auth_rbac(Rendered r) {
        V1PodSpec pod = r.one(V1Deployment.class, COMBINED).getSpec().getTemplate().getSpec();
        assertEquals("metrics-stream-gateway", pod.getServiceAccountName());
        assertNotEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "TokenReview needs the token");
        assertNotEquals(Boolean.FALSE,
                r.one(V1ServiceAccount.class, "metrics-stream-gateway").getAutomountServiceAccountToken());
        assertTrue(r.all(V1ClusterRoleBinding.class).stream().anyMatch(b -> b.getRoleRef().getName()
                .equals("system:auth-delegator") && b.getSubjects().stream()
                .anyMatch(s -> s.getName().equals("metrics-stream-gateway"))));
        assertTrue(r.all(V1RoleBinding.class).stream().anyMatch(b -> b.getRoleRef().getName()
                .equals("extension-apiserver-authentication-reader") && b.getSubjects().stream()
                .anyMatch(s -> s.getName().equals("metrics-stream-gateway"))));
        // the aggregator needs nothing from the apiserver: its own account is gone with its pods
        assertTrue(r.all(V1ServiceAccount.class).stream()
                .noneMatch(a -> a.getMetadata().getName().equals("metrics-stream-aggregator")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCombined")
    void both_services_are_configured_as_in_the_base_and_the_probes_ask_the_gateways_port(Rendered r)
            throws Exception {
        V1Deployment d = r.one(V1Deployment.class, COMBINED);
        V1Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        CombinedConfig config = CombinedConfig.from(env(c));

        // the aggregator as the base's: standbys, topics, resolution, state on an emptyDir; no ops port of its own
        V1Container aggregator = base().one(V1Deployment.class, "metrics-stream-aggregator").getSpec().getTemplate()
                .getSpec().getContainers().get(0);
        for (String key : List.of("NUM_STANDBY_REPLICAS", "TOPIC_PARTITIONS", "TOPIC_REPLICATION_FACTOR",
                "SCRAPE_RESOLUTION", "STATE_DIR")) {
            assertEquals(ManifestsTest.envValue(aggregator, key), ManifestsTest.envValue(c, key), key);
        }
        assertEquals(1, config.aggregator().numStandbyReplicas());
        assertFalse(config.aggregator().ops().enabled(), "the gateway's port serves the aggregator's probes");
        String stateDir = config.aggregator().stateDir().toString();
        String volume = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(stateDir)).findFirst()
                .orElseThrow().getName();
        assertNotNull(d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(volume)).findFirst().orElseThrow().getEmptyDir());
        assertEquals(base().one(V1Deployment.class, "metrics-stream-aggregator").getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds(), d.getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds(), "time to commit and leave the group");

        // the gateway: its own consumers' name, the certificate's names, the HTTPS port the Service targets
        assertEquals("metrics-stream-gateway", config.gateway().applicationId());
        assertNotEquals(config.aggregator().applicationId(), config.gateway().applicationId());
        assertEquals("metrics-stream-gateway", config.gateway().serviceName());
        V1ContainerPort https = c.getPorts().stream().filter(p -> p.getName().equals("https")).findFirst()
                .orElseThrow();
        assertEquals(config.gateway().httpsPort(), https.getContainerPort());
        assertEquals(List.of(https), c.getPorts(), "one port: the aggregator's ops port is off");

        for (V1Probe probe : List.of(c.getLivenessProbe(), c.getReadinessProbe())) {
            String port = probe.getHttpGet().getPort().toString();
            assertTrue(port.equals("https") || port.equals(String.valueOf(https.getContainerPort())), port);
            assertEquals("HTTPS", probe.getHttpGet().getScheme());
        }
        assertEquals("/livez", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    }

    @Test
    void resources_cost_less_than_the_two_deployments_and_hold_the_measured_heaps() throws Exception {
        Rendered r = withCombined().findFirst().orElseThrow();
        V1Container c = r.one(V1Deployment.class, COMBINED).getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, BigDecimal> separate = new HashMap<>();
        for (String name : List.of("metrics-stream-aggregator", "metrics-stream-gateway")) {
            base().one(V1Deployment.class, name).getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getResources().getRequests().forEach((k, q) -> separate.merge(k, q.getNumber(), BigDecimal::add));
        }
        Map<String, Quantity> requests = c.getResources().getRequests();
        for (String resource : List.of("cpu", "memory")) {
            assertTrue(requests.get(resource).getNumber().compareTo(separate.get(resource)) < 0,
                    resource + ": " + requests.get(resource).toSuffixedString() + " is not less than the two "
                            + "Deployments' " + separate.get(resource));
        }
        // at least what aggregator and gateway measured together at 1,000 nodes (README, Benchmarks, r8)
        assertTrue(requests.get("cpu").getNumber().compareTo(new BigDecimal("0.113")) >= 0);

        // the image's heap is a share of the limit: it must hold the heaps measured apart (128 + 192 MiB) and the
        // gateway's full default history (~160 MiB at 30,000 pods)
        Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(
                DockerfileTest.DOCKERFILE.effective("combined", "ENV").arguments());
        assertTrue(percent.find());
        BigDecimal heapMiB = c.getResources().getLimits().get("memory").getNumber()
                .multiply(new BigDecimal(percent.group(1))).divide(new BigDecimal(100 * 1024 * 1024));
        assertTrue(heapMiB.compareTo(new BigDecimal(128 + 192 + 160)) >= 0, "heap " + heapMiB + " MiB");
        assertTrue(c.getResources().getLimits().get("memory").getNumber()
                .compareTo(requests.get("memory").getNumber()) >= 0);
    }

    private static Map<String, String> env(V1Container c) {
        Map<String, String> env = new HashMap<>();
        for (V1EnvVar var : c.getEnv()) {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : "from-" + var.getValueFrom());
        }
        env.put("POD_NAMESPACE", "metrics-stream");
        env.putIfAbsent("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        return env;
    }
}
