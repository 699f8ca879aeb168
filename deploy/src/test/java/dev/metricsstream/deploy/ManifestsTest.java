package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.metricsstream.common.config.ConfigException;
import io.kubernetes.client.openapi.models.V1APIService;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomization (base, examples, base + each component) rendered with {@code kubectl kustomize}; every document
 * loaded into client-java's typed models (custom resources checked as maps), then the deployment conventions.
 */
class ManifestsTest {

    /** Custom resources client-java has no model for: apiVersion → kinds, with the spec fields we rely on. */
    static final Map<String, Map<String, List<String>>> CUSTOM = Map.of(
            "monitoring.coreos.com/v1", Map.of("ServiceMonitor", List.of("selector", "endpoints"),
                    "PrometheusRule", List.of("groups")),
            "kafka.strimzi.io/v1beta2", Map.of("KafkaTopic", List.of("partitions", "replicas", "config")));

    record Rendered(String name, List<Object> typed, List<Map<String, Object>> custom) {
        <T> List<T> all(Class<T> type) {
            return typed.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T> T one(Class<T> type, String objectName) {
            List<T> found = all(type).stream().filter(o -> objectName.equals(meta(o).getName())).toList();
            assertEquals(1, found.size(), name + ": expected one " + type.getSimpleName() + " " + objectName);
            return found.get(0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Rendered> rendered;

    @BeforeAll
    static void renderEverything() throws Exception {
        Assumptions.assumeTrue(Kustomize.available(),
                "kubectl is not on PATH: the manifests cannot be rendered here (install kubectl to run these checks)");
        rendered = new ArrayList<>();
        for (Path target : Kustomize.targets()) {
            rendered.add(load(Repo.root().relativize(target.toAbsolutePath()).toString(), Kustomize.render(target)));
        }
    }

    static List<Rendered> rendered() throws Exception {
        if (rendered == null) {
            renderEverything();
        }
        return rendered;
    }

    @SuppressWarnings("unchecked")
    static Rendered load(String name, String text) throws IOException {
        List<Object> typed = new ArrayList<>();
        List<Map<String, Object>> custom = new ArrayList<>();
        for (Map<String, Object> doc : Kustomize.documents(text)) {
            String apiVersion = (String) doc.get("apiVersion");
            String kind = (String) doc.get("kind");
            Map<String, List<String>> kinds = CUSTOM.get(apiVersion);
            if (kinds != null && kinds.containsKey(kind)) {
                Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
                assertNotNull(spec, name + ": " + kind + " without spec");
                for (String field : kinds.get(kind)) {
                    assertTrue(spec.containsKey(field), name + ": " + kind + " lacks spec." + field);
                }
                assertTrue(Set.of("apiVersion", "kind", "metadata", "spec").containsAll(doc.keySet()),
                        name + ": unexpected top-level fields in " + kind + ": " + doc.keySet());
                custom.add(doc);
            } else {
                // client-java's Yaml maps apiVersion/kind to its typed model and rejects unknown fields
                typed.add(Yaml.load(new org.yaml.snakeyaml.Yaml().dump(doc)));
            }
        }
        return new Rendered(name, typed, custom);
    }

    static Stream<Rendered> everyRendering() throws Exception {
        return rendered().stream();
    }

    @Test
    void every_kustomization_renders_base_examples_and_components() throws Exception {
        List<String> names = rendered().stream().map(Rendered::name).toList();
        assertTrue(names.contains("k8s/base"), names.toString());
        assertTrue(names.contains("k8s/examples/strimzi"), names.toString());
        assertTrue(names.contains("k8s/examples/with-prometheus"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.endsWith("base+prometheus")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.endsWith("base+combined")), names.toString());
    }

    @Test
    void a_misspelt_field_is_rejected_by_the_typed_models() {
        String typo = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: x
                spec:
                  replica: 2
                """;
        Exception e = assertThrows(Exception.class, () -> load("typo", typo));
        assertTrue(String.valueOf(e.getMessage()).contains("replica"), e.toString());
        assertEquals(2, ((V1Deployment) assertDoesNotThrow(() -> load("fixed", typo.replace("replica:", "replicas:")))
                .typed().get(0)).getSpec().getReplicas());
    }

    @Test
    void the_base_holds_the_agreed_objects() throws Exception {
        Rendered base = rendered().get(0);
        assertEquals("k8s/base", base.name());
        for (String sa : List.of("metrics-stream-collector", "metrics-stream-aggregator", "metrics-stream-gateway")) {
            assertEquals("metrics-stream", base.one(io.kubernetes.client.openapi.models.V1ServiceAccount.class, sa)
                    .getMetadata().getNamespace());
        }
        base.one(V1DaemonSet.class, "metrics-stream-collector");
        assertEquals(2, base.one(V1Deployment.class, "metrics-stream-aggregator").getSpec().getReplicas());
        assertEquals(2, base.one(V1Deployment.class, "metrics-stream-gateway").getSpec().getReplicas());
        base.one(io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class, "metrics-stream-gateway");
        assertFalse(base.all(io.kubernetes.client.openapi.models.V1NetworkPolicy.class).isEmpty());
        assertTrue(base.one(V1ConfigMap.class, "metrics-stream-kafka").getData().containsKey("bootstrap.servers"));
        assertEquals("metrics-stream",
                base.one(io.kubernetes.client.openapi.models.V1Namespace.class, "metrics-stream").getMetadata()
                        .getName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void namespaced_objects_live_in_metrics_stream_except_the_auth_reader_binding(Rendered r) {
        for (Object o : r.typed()) {
            V1ObjectMeta meta = meta(o);
            String ns = meta.getNamespace();
            if (o instanceof V1RoleBinding binding && "extension-apiserver-authentication-reader".equals(
                    binding.getRoleRef().getName())) {
                assertEquals("kube-system", ns, r + ": the auth reader Role exists only in kube-system");
            } else if (ns != null) {
                assertEquals("metrics-stream", ns, r + ": " + o.getClass().getSimpleName() + " " + meta.getName());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void every_container_has_probes_resources_and_a_locked_down_security_context(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, V1PodTemplateSpec> pod : pods(r).entrySet()) {
            V1PodSpec spec = pod.getValue().getSpec();
            String where = r + " " + pod.getKey();
            if (!"system-cluster-critical".equals(spec.getPriorityClassName())) {
                problems.add(where + ": priorityClassName " + spec.getPriorityClassName());
            }
            var podSecurity = spec.getSecurityContext();
            if (podSecurity == null || !Boolean.TRUE.equals(podSecurity.getRunAsNonRoot())
                    || podSecurity.getSeccompProfile() == null
                    || !"RuntimeDefault".equals(podSecurity.getSeccompProfile().getType())) {
                problems.add(where + ": pod securityContext needs runAsNonRoot and seccomp RuntimeDefault");
            }
            for (V1Container c : spec.getContainers()) {
                String at = where + "/" + c.getName();
                checkProbe(at, "liveness", c.getLivenessProbe(), c, problems);
                checkProbe(at, "readiness", c.getReadinessProbe(), c, problems);
                if (c.getResources() == null || c.getResources().getRequests() == null
                        || !c.getResources().getRequests().keySet().containsAll(Set.of("cpu", "memory"))
                        || c.getResources().getLimits() == null
                        || !c.getResources().getLimits().containsKey("memory")) {
                    problems.add(at + ": needs cpu+memory requests and a memory limit");
                }
                V1SecurityContext sc = c.getSecurityContext();
                // runAsNonRoot and seccomp may come from the pod; a container's own setting overrides the pod's
                Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
                        : podSecurity == null ? null : podSecurity.getRunAsNonRoot();
                var seccomp = sc != null && sc.getSeccompProfile() != null ? sc.getSeccompProfile()
                        : podSecurity == null ? null : podSecurity.getSeccompProfile();
                if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())
                        || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())
                        || !Boolean.TRUE.equals(nonRoot)
                        || sc.getCapabilities() == null || !List.of("ALL").equals(sc.getCapabilities().getDrop())
                        || seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
                    problems.add(at + ": securityContext must set allowPrivilegeEscalation=false, "
                            + "readOnlyRootFilesystem, runAsNonRoot, drop ALL, seccomp RuntimeDefault");
                }
                Set<String> volumes = new java.util.HashSet<>();
                if (spec.getVolumes() != null) {
                    spec.getVolumes().forEach(v -> volumes.add(v.getName()));
                }
                List<String> mountPaths = new ArrayList<>();
                if (c.getVolumeMounts() != null) {
                    c.getVolumeMounts().forEach(m -> {
                        mountPaths.add(m.getMountPath());
                        if (!volumes.contains(m.getName())) {
                            problems.add(at + ": mount of undeclared volume " + m.getName());
                        }
                    });
                }
                if (!mountPaths.contains("/tmp")) {
                    problems.add(at + ": read-only root needs a writable /tmp volume (JVM, RocksDB native library)");
                }
                envValue(c, "STATE_DIR").ifPresent(dir -> {
                    if (!mountPaths.contains(dir)) {
                        problems.add(at + ": STATE_DIR " + dir + " is not a mounted volume");
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void every_environment_variable_is_read_by_the_code_and_every_required_one_is_set(Rendered r,
            @TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "stands in for the mounted service-account ca.crt");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, V1PodTemplateSpec> pod : pods(r).entrySet()) {
            for (V1Container c : pod.getValue().getSpec().getContainers()) {
                ServiceKeys keys = ServiceKeys.forImage(c.getImage());
                assertNotNull(keys, r + ": unknown image " + c.getImage());
                Map<String, String> env = new LinkedHashMap<>();
                for (V1EnvVar var : c.getEnv() == null ? List.<V1EnvVar>of() : c.getEnv()) {
                    if (!keys.reads(var.getName())) {
                        problems.add(r + " " + pod.getKey() + ": " + var.getName() + " is not read by "
                                + keys.module);
                    }
                    env.put(var.getName(), resolve(r, var));
                }
                // what the kubelet injects into every pod, and the service-account CA it mounts
                env.putIfAbsent("KUBERNETES_SERVICE_HOST", "10.96.0.1");
                env.putIfAbsent("KUBERNETES_SERVICE_PORT", "443");
                if (keys == ServiceKeys.COLLECTOR && !"true".equals(env.get("KUBELET_INSECURE_TLS"))) {
                    env.putIfAbsent("KUBELET_CA_FILE", ca.toString());
                }
                try {
                    keys.build.accept(env);
                } catch (ConfigException e) {
                    problems.add(r + " " + pod.getKey() + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void the_services_agree_on_the_scrape_resolution_and_the_staleness_bound(Rendered r) {
        Map<String, Map.Entry<ServiceKeys, Map<String, String>>> services = new LinkedHashMap<>();
        for (Map.Entry<String, V1PodTemplateSpec> pod : pods(r).entrySet()) {
            for (V1Container c : pod.getValue().getSpec().getContainers()) {
                Map<String, String> env = new LinkedHashMap<>();
                for (V1EnvVar var : c.getEnv() == null ? List.<V1EnvVar>of() : c.getEnv()) {
                    env.put(var.getName(), resolve(r, var));
                }
                services.put(pod.getKey(), Map.entry(ServiceKeys.forImage(c.getImage()), env));
            }
        }
        assertEquals(List.of(), ResolutionAgreement.problems(r.name(), services));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void images_are_the_agreed_release_images(Rendered r) {
        for (Map.Entry<String, V1PodTemplateSpec> pod : pods(r).entrySet()) {
            for (V1Container c : pod.getValue().getSpec().getContainers()) {
                assertTrue(c.getImage().matches(
                        "ghcr\\.io/metrics-stream/(collector|aggregator|api-gateway|combined):0\\.1\\.0"),
                        r + " " + pod.getKey() + ": " + c.getImage());
            }
        }
    }

    @Test
    void the_daemonset_scrapes_its_own_node_on_every_node() throws Exception {
        V1DaemonSet ds = rendered().get(0).one(V1DaemonSet.class, "metrics-stream-collector");
        V1PodSpec spec = ds.getSpec().getTemplate().getSpec();
        V1Container c = spec.getContainers().get(0);
        assertEquals("spec.nodeName", fieldRef(c, "NODE_NAME"));
        assertEquals("status.hostIP", fieldRef(c, "NODE_IP"));
        assertTrue(spec.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator())
                && t.getKey() == null && t.getEffect() == null), "tolerates every taint (control-plane included)");
        assertEquals("metrics-stream-collector", spec.getServiceAccountName());
    }

    @Test
    void the_aggregator_keeps_state_on_an_emptydir_with_a_standby_replica() throws Exception {
        V1Deployment d = rendered().get(0).one(V1Deployment.class, "metrics-stream-aggregator");
        V1Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("1", envValue(c, "NUM_STANDBY_REPLICAS").orElseThrow());
        String stateDir = envValue(c, "STATE_DIR").orElseThrow();
        String volume = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(stateDir)).findFirst()
                .orElseThrow().getName();
        assertNotNull(d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(volume)).findFirst().orElseThrow().getEmptyDir());
        assertEquals(Boolean.FALSE, d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken(),
                "the aggregator never talks to the apiserver");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void both_apiservices_point_at_the_gateway_service_which_reaches_the_gateways_https_port(Rendered r) {
        List<V1APIService> apiServices = r.all(V1APIService.class);
        Set<String> expected = new java.util.HashSet<>(Set.of("v1beta1.metrics.k8s.io", "v1.metrics.k8s.io",
                "v1alpha1.history.metrics-stream.dev"));
        // the custom/external metrics slots only with their opt-in components, never from the base
        boolean all = r.name().endsWith("base+all-components");
        if (all || r.name().endsWith("base+custom-metrics")) {
            expected.addAll(Set.of("v1beta2.custom.metrics.k8s.io", "v1beta1.custom.metrics.k8s.io"));
        }
        if (all || r.name().endsWith("base+external-metrics")) {
            expected.add("v1beta1.external.metrics.k8s.io");
        }
        assertEquals(expected, Set.copyOf(apiServices.stream().map(a -> a.getMetadata().getName()).toList()));
        V1Service service = r.one(V1Service.class, "metrics-stream-gateway");
        for (V1APIService api : apiServices) {
            assertTrue(Set.of("metrics.k8s.io", "history.metrics-stream.dev", "custom.metrics.k8s.io",
                    "external.metrics.k8s.io").contains(api.getSpec().getGroup()));
            assertEquals(api.getMetadata().getName(), api.getSpec().getVersion() + "." + api.getSpec().getGroup());
            assertEquals("metrics-stream-gateway", api.getSpec().getService().getName());
            assertEquals("metrics-stream", api.getSpec().getService().getNamespace());
            assertEquals(443, api.getSpec().getService().getPort());
            assertTrue(Boolean.TRUE.equals(api.getSpec().getInsecureSkipTLSVerify())
                    || api.getSpec().getCaBundle() != null, "either skip verification or pin the CA");
        }
        V1ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort() == 443).findFirst()
                .orElseThrow(() -> new AssertionError("gateway Service has no port 443"));
        // the gateway's Deployment, or the combined one that replaces it: whatever pods the Service selects
        List<V1Deployment> selected = r.all(V1Deployment.class).stream()
                .filter(d -> selects(service.getSpec().getSelector(), d.getSpec().getTemplate())).toList();
        assertEquals(1, selected.size(), r + ": the gateway Service selects the pods of one Deployment");
        V1Deployment gateway = selected.get(0);
        V1Container c = gateway.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(Set.of(ServiceKeys.GATEWAY, ServiceKeys.COMBINED).contains(ServiceKeys.forImage(c.getImage())),
                r + ": the gateway Service selects " + c.getImage());
        V1ContainerPort target = c.getPorts().stream()
                .filter(p -> p.getName().equals(port.getTargetPort().toString())
                        || String.valueOf(p.getContainerPort()).equals(port.getTargetPort().toString()))
                .findFirst().orElseThrow(() -> new AssertionError("targetPort " + port.getTargetPort()));
        assertEquals(8443, target.getContainerPort());
        assertEquals(String.valueOf(target.getContainerPort()), envValue(c, "HTTPS_PORT").orElse("8443"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void no_role_grants_nodes_proxy(Rendered r) {
        List<V1PolicyRule> rules = new ArrayList<>();
        r.all(V1ClusterRole.class).forEach(c -> rules.addAll(c.getRules() == null ? List.of() : c.getRules()));
        r.all(V1Role.class).forEach(c -> rules.addAll(c.getRules()));
        for (V1PolicyRule rule : rules) {
            List<String> resources = rule.getResources() == null ? List.of() : rule.getResources();
            assertFalse(resources.contains("nodes/proxy") || resources.contains("*")
                    || resources.contains("nodes/*"), r + ": " + rule);
        }
    }

    @Test
    void rbac_is_exactly_what_the_security_issue_decided() throws Exception {
        Rendered base = rendered().get(0);
        V1ClusterRole collector = base.one(V1ClusterRole.class, "system:metrics-stream-collector");
        Map<String, Set<String>> granted = new HashMap<>();
        for (V1PolicyRule rule : collector.getRules()) {
            assertEquals(List.of(""), rule.getApiGroups());
            rule.getResources().forEach(res -> granted.put(res, Set.copyOf(rule.getVerbs())));
        }
        assertEquals(Map.of("nodes/metrics", Set.of("get"), "nodes/stats", Set.of("get"), "nodes", Set.of("get"),
                "pods", Set.of("list", "watch")), granted);
        assertBound(base, "system:metrics-stream-collector", "metrics-stream-collector");
        assertBound(base, "system:auth-delegator", "metrics-stream-gateway");
        V1RoleBinding reader = base.all(V1RoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals("extension-apiserver-authentication-reader"))
                .findFirst().orElseThrow();
        assertEquals("Role", reader.getRoleRef().getKind());
        assertEquals("kube-system", reader.getMetadata().getNamespace());
        assertEquals("metrics-stream-gateway", reader.getSubjects().get(0).getName());
        assertEquals("metrics-stream", reader.getSubjects().get(0).getNamespace());

        V1ClusterRole aggregated = base.one(V1ClusterRole.class, "system:metrics-stream-aggregated-reader");
        for (String to : List.of("view", "edit", "admin")) {
            assertEquals("true", aggregated.getMetadata().getLabels().get("rbac.authorization.k8s.io/aggregate-to-" + to));
        }
        V1PolicyRule rule = aggregated.getRules().get(0);
        assertEquals(List.of("metrics.k8s.io"), rule.getApiGroups());
        assertEquals(Set.of("pods", "nodes"), Set.copyOf(rule.getResources()));
        assertEquals(Set.of("get", "list", "watch"), Set.copyOf(rule.getVerbs()));
        V1PolicyRule history = aggregated.getRules().get(1);
        assertEquals(List.of("history.metrics-stream.dev"), history.getApiGroups());
        assertEquals(Set.of("pods", "nodes", "namespaces"), Set.copyOf(history.getResources()));
        assertEquals(List.of("get"), history.getVerbs());
        assertEquals(2, aggregated.getRules().size());
    }

    /** The metric names the gateway derives from the default HISTORY_WINDOWS (1m, 5m, 1h): see WindowMetric. */
    static List<String> windowMetricNames() {
        List<String> names = new ArrayList<>();
        for (String resource : List.of("cpu_usage", "memory_working_set")) {
            for (String stat : List.of("avg", "max", "p95")) {
                for (String size : List.of("1m", "5m", "1h")) {
                    names.add(resource + "_" + stat + "_" + size);
                }
            }
        }
        return names;
    }

    /** The latest /stats/summary values the gateway offers, from the gateway's own catalog. */
    static List<String> summaryMetricNames() {
        return java.util.Arrays.stream(dev.metricsstream.gateway.custom.SummaryMetric.values())
                .map(dev.metricsstream.gateway.custom.SummaryMetric::metricName).toList();
    }

    @Test
    void the_custom_and_external_metrics_components_let_the_hpa_controller_read_every_offered_metric()
            throws Exception {
        Rendered base = rendered().get(0);
        assertTrue(base.all(V1APIService.class).stream().noneMatch(a -> a.getSpec().getGroup().endsWith(
                ".metrics.k8s.io") && !a.getSpec().getGroup().equals("metrics.k8s.io")), "not in the base");
        Set<String> custom = new java.util.TreeSet<>();
        Set<String> external = new java.util.TreeSet<>();
        for (String metric : windowMetricNames()) {
            for (String resource : List.of("pods", "nodes")) {
                custom.add(resource + "/" + metric);
            }
            for (String aggregation : List.of("sum", "avg", "max")) {
                external.add(metric + "_" + aggregation);
            }
        }
        for (String aggregation : List.of("sum", "avg", "max")) {
            external.add("cpu_usage_" + aggregation);
            external.add("memory_working_set_" + aggregation);
        }
        for (String metric : summaryMetricNames()) {
            custom.add("pods/" + metric);
            custom.add("nodes/" + metric);
            for (String aggregation : List.of("sum", "avg", "max")) {
                external.add(metric + "_" + aggregation);
            }
        }
        for (var c : List.of(Map.entry("custom-metrics", Map.entry("custom.metrics.k8s.io", custom)),
                Map.entry("external-metrics", Map.entry("external.metrics.k8s.io", external)))) {
            Rendered r = rendered().stream().filter(x -> x.name().endsWith("base+" + c.getKey())).findFirst()
                    .orElseThrow();
            V1ClusterRole role = r.one(V1ClusterRole.class, "system:metrics-stream-" + c.getKey() + "-reader");
            boolean isCustom = c.getKey().equals("custom-metrics");
            assertEquals(isCustom ? 2 : 1, role.getRules().size());
            if (isCustom) {
                // GET …/namespaces/NS/metrics/METRIC is authorized as resource "metrics" named METRIC
                // (RequestAttributesTest), the HPA's Object metric on a Namespace
                V1PolicyRule namespaces = role.getRules().get(1);
                assertEquals(List.of("custom.metrics.k8s.io"), namespaces.getApiGroups());
                assertEquals(List.of("metrics"), namespaces.getResources());
                Set<String> namespaceMetrics = new java.util.HashSet<>(windowMetricNames());
                namespaceMetrics.addAll(summaryMetricNames());
                assertEquals(namespaceMetrics, Set.copyOf(namespaces.getResourceNames()));
                assertEquals(List.of("get"), namespaces.getVerbs());
            }
            assertEquals(List.of(c.getValue().getKey()), role.getRules().get(0).getApiGroups());
            assertEquals(c.getValue().getValue(), new java.util.TreeSet<>(role.getRules().get(0).getResources()));
            assertEquals(Set.of("get", "list"), Set.copyOf(role.getRules().get(0).getVerbs()));
            io.kubernetes.client.openapi.models.V1ClusterRoleBinding binding = r.one(
                    io.kubernetes.client.openapi.models.V1ClusterRoleBinding.class,
                    "system:metrics-stream-" + c.getKey() + "-hpa");
            assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
            assertEquals("horizontal-pod-autoscaler", binding.getSubjects().get(0).getName());
            assertEquals("kube-system", binding.getSubjects().get(0).getNamespace());
            assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_prometheus_component_monitors_every_service() throws Exception {
        Rendered r = rendered().stream().filter(x -> x.name().endsWith("base+prometheus")).findFirst().orElseThrow();
        List<Map<String, Object>> monitors = r.custom().stream().filter(d -> d.get("kind").equals("ServiceMonitor"))
                .toList();
        assertEquals(3, monitors.size());
        for (Map<String, Object> monitor : monitors) {
            Map<String, Object> spec = (Map<String, Object>) monitor.get("spec");
            Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                    .get("matchLabels");
            List<V1Service> matching = r.all(V1Service.class).stream()
                    .filter(s -> s.getMetadata().getLabels() != null
                            && s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertEquals(1, matching.size(), "ServiceMonitor " + meta(monitor) + " selects one Service");
            Set<String> portNames = Set.copyOf(matching.get(0).getSpec().getPorts().stream()
                    .map(V1ServicePort::getName).toList());
            for (Map<String, Object> endpoint : (List<Map<String, Object>>) spec.get("endpoints")) {
                assertTrue(portNames.contains((String) endpoint.get("port")), "named port " + endpoint.get("port"));
                assertTrue(String.valueOf(endpoint.get("path")).startsWith("/metrics"));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_usage_endpoint_keeps_the_exposed_namespace_and_pod_labels_and_the_own_metrics_keep_the_targets()
            throws Exception {
        Rendered r = rendered().stream().filter(x -> x.name().endsWith("base+prometheus")).findFirst().orElseThrow();
        Map<String, Object> gateway = r.custom().stream().filter(d -> d.get("kind").equals("ServiceMonitor")
                && "metrics-stream-gateway".equals(((Map<String, Object>) d.get("metadata")).get("name")))
                .findFirst().orElseThrow();
        Map<String, Boolean> honorLabelsByPath = new java.util.TreeMap<>();
        for (Map<String, Object> endpoint : (List<Map<String, Object>>) ((Map<String, Object>) gateway.get("spec"))
                .get("endpoints")) {
            honorLabelsByPath.put((String) endpoint.get("path"), Boolean.TRUE.equals(endpoint.get("honorLabels")));
        }
        // the data's namespace/pod name the measured pod: with the operator's target labels winning they would be
        // renamed exported_namespace/exported_pod; the gateway's own metrics are about the replica itself
        assertEquals(Map.of("/metrics", false, "/metrics/usage", true), honorLabelsByPath);
    }

    private static void assertBound(Rendered r, String role, String serviceAccount) {
        assertTrue(r.all(V1ClusterRoleBinding.class).stream().anyMatch(b -> b.getRoleRef().getName().equals(role)
                && b.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
                        && s.getName().equals(serviceAccount) && "metrics-stream".equals(s.getNamespace()))),
                role + " bound to " + serviceAccount);
    }

    private static void checkProbe(String at, String kind, V1Probe probe, V1Container c, List<String> problems) {
        if (probe == null || probe.getHttpGet() == null) {
            problems.add(at + ": no HTTP " + kind + " probe");
            return;
        }
        String port = probe.getHttpGet().getPort().toString();
        boolean known = c.getPorts() != null && c.getPorts().stream().anyMatch(p -> port.equals(p.getName())
                || port.equals(String.valueOf(p.getContainerPort())));
        if (!known) {
            problems.add(at + ": " + kind + " probe on undeclared port " + port);
        }
        String expected = kind.equals("liveness") ? "/livez" : "/readyz";
        if (!expected.equals(probe.getHttpGet().getPath())) {
            problems.add(at + ": " + kind + " probe should GET " + expected);
        }
    }

    /** Whether a label selector (Service-style map or matchLabels) selects a pod template. */
    static boolean selects(Map<String, String> selector, V1PodTemplateSpec pod) {
        Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null ? Map.of()
                : pod.getMetadata().getLabels();
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static Map<String, V1PodTemplateSpec> pods(Rendered r) {
        Map<String, V1PodTemplateSpec> pods = new LinkedHashMap<>();
        r.all(V1DaemonSet.class).forEach(d -> pods.put("DaemonSet/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        r.all(V1Deployment.class).forEach(d -> pods.put("Deployment/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        r.all(V1StatefulSet.class).forEach(d -> pods.put("StatefulSet/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        return pods;
    }

    static java.util.Optional<String> envValue(V1Container c, String name) {
        return c.getEnv() == null ? java.util.Optional.empty() : c.getEnv().stream()
                .filter(e -> e.getName().equals(name)).map(V1EnvVar::getValue).filter(Objects::nonNull).findFirst();
    }

    private static String fieldRef(V1Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow()
                .getValueFrom().getFieldRef().getFieldPath();
    }

    /** A representative value for an env var as the kubelet would resolve it. */
    private static String resolve(Rendered r, V1EnvVar var) {
        if (var.getValueFrom() == null) {
            return var.getValue() == null ? "" : var.getValue();
        }
        var from = var.getValueFrom();
        if (from.getFieldRef() != null) {
            return switch (from.getFieldRef().getFieldPath()) {
                case "spec.nodeName" -> "node-1";
                case "status.hostIP", "status.podIP" -> "10.0.0.1";
                case "metadata.namespace" -> "metrics-stream";
                case "metadata.name" -> "pod-0";
                default -> fail("unexpected fieldRef " + from.getFieldRef().getFieldPath());
            };
        }
        if (from.getConfigMapKeyRef() != null) {
            V1ConfigMap map = r.one(V1ConfigMap.class, from.getConfigMapKeyRef().getName());
            String value = map.getData() == null ? null : map.getData().get(from.getConfigMapKeyRef().getKey());
            assertNotNull(value, r + ": ConfigMap " + map.getMetadata().getName() + " has no key "
                    + from.getConfigMapKeyRef().getKey());
            return value;
        }
        if (from.getSecretKeyRef() != null) {
            return "secret-from-" + from.getSecretKeyRef().getName();
        }
        return fail("unsupported valueFrom for " + var.getName());
    }

    static V1ObjectMeta meta(Object o) {
        if (o instanceof Map<?, ?> map) {
            Map<?, ?> m = (Map<?, ?>) map.get("metadata");
            return new V1ObjectMeta().name((String) m.get("name")).namespace((String) m.get("namespace"));
        }
        try {
            return (V1ObjectMeta) o.getClass().getMethod("getMetadata").invoke(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(o.getClass() + " has no metadata", e);
        }
    }
}
