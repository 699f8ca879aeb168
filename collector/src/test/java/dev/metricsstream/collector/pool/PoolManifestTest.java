package dev.metricsstream.collector.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.CollectorConfig;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The pool-mode kustomize component: loads with client-java, and its settings make a valid pool config. */
class PoolManifestTest {
    private static final Path COMPONENT = Path.of("..", "k8s", "components", "collector-pool");

    private static List<Object> load(String file) throws IOException {
        return Yaml.loadAll(Files.readString(COMPONENT.resolve(file)));
    }

    @Test
    void the_statefulset_runs_two_replicas_whose_environment_is_a_valid_pool_config() throws Exception {
        V1StatefulSet sts = (V1StatefulSet) load("statefulset.yaml").get(0);
        assertEquals("metrics-stream-collector-pool", sts.getMetadata().getName());
        assertEquals("metrics-stream", sts.getMetadata().getNamespace());
        assertEquals(2, sts.getSpec().getReplicas());
        assertEquals("metrics-stream-collector", sts.getSpec().getTemplate().getSpec().getServiceAccountName());
        V1Container container = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("ghcr.io/metrics-stream/collector:0.1.0", container.getImage());
        Map<String, String> env = new HashMap<>();
        for (V1EnvVar var : container.getEnv()) {
            if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                assertEquals("metadata.name", var.getValueFrom().getFieldRef().getFieldPath());
                env.put(var.getName(), sts.getMetadata().getName() + "-1"); // what the StatefulSet gives replica 1
            } else if (var.getValueFrom() != null) {
                assertEquals("metrics-stream-kafka", var.getValueFrom().getConfigMapKeyRef().getName());
                assertEquals("bootstrap.servers", var.getValueFrom().getConfigMapKeyRef().getKey());
                env.put(var.getName(), "kafka:9092");
            } else {
                env.put(var.getName(), var.getValue());
            }
        }
        assertEquals(Integer.toString(sts.getSpec().getReplicas()), env.get("POOL_REPLICAS"),
                "POOL_REPLICAS matches spec.replicas");
        env.put("APISERVER_URL", "https://10.96.0.1:443"); // in the cluster: KUBERNETES_SERVICE_HOST
        env.put("KUBELET_CA_FILE", Files.writeString(Files.createTempFile("ca", ".crt"), "x").toString());
        CollectorConfig config = CollectorConfig.from(env);
        assertEquals(PoolSettings.TargetMode.CLUSTER, config.pool().mode());
        assertEquals(new Shard(1, 2), config.pool().shard());
        assertEquals(CollectorConfig.MetadataMode.APISERVER, config.metadataMode());
        assertEquals(8081, config.ops().port());
        assertEquals("ops", container.getLivenessProbe().getHttpGet().getPort().getStrValue());
        assertEquals("/livez", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/readyz", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals(sts.getSpec().getServiceName(),
                ((V1Service) load("service.yaml").get(0)).getMetadata().getName());
    }

    @Test
    void the_cluster_role_grants_what_pool_mode_reads_and_no_more() throws Exception {
        List<Object> rbac = load("rbac.yaml");
        V1ClusterRole role = (V1ClusterRole) rbac.get(0);
        Set<String> grants = new TreeSet<>();
        for (V1PolicyRule rule : role.getRules()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    grants.add(resource + ":" + verb);
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("nodes:get", "nodes:list", "nodes:watch", "nodes/metrics:get",
                "nodes/stats:get", "pods:list", "pods:watch")), grants);
        V1ClusterRoleBinding binding = (V1ClusterRoleBinding) rbac.get(1);
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("metrics-stream-collector", binding.getSubjects().get(0).getName());
        assertEquals("metrics-stream", binding.getSubjects().get(0).getNamespace());
    }

    @Test
    void the_component_deletes_the_daemonset_and_lists_every_file() throws Exception {
        String patch = Files.readString(COMPONENT.resolve("delete-daemonset.yaml"));
        assertTrue(patch.contains("$patch: delete") && patch.contains("kind: DaemonSet")
                && patch.contains("name: metrics-stream-collector\n"), patch);
        String kustomization = Files.readString(COMPONENT.resolve("kustomization.yaml"));
        assertTrue(kustomization.contains("kind: Component"), kustomization);
        try (var files = Files.list(COMPONENT)) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .forEach(name -> assertTrue(kustomization.contains("- " + name)
                            || kustomization.contains("path: " + name), name + " is listed in kustomization.yaml"));
        }
    }
}
