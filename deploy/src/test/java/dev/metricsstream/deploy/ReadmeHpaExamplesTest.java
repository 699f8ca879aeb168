package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V2MetricSpec;
import io.kubernetes.client.util.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README's HPA manifests (one per metric type) are valid autoscaling/v2 objects (client-java's typed model rejects
 * unknown fields) and name metrics the gateway offers with the default HISTORY_WINDOWS.
 */
class ReadmeHpaExamplesTest {

    static List<V2HorizontalPodAutoscaler> examples() throws Exception {
        String readme = Repo.read("README.md");
        int section = readme.indexOf("## Custom and external metrics (HPA)");
        assertTrue(section >= 0, "README.md has no custom metrics section");
        int intro = readme.indexOf("HPA manifests, one per metric type", section);
        int start = readme.indexOf("```yaml\n", intro) + "```yaml\n".length();
        int end = readme.indexOf("```", start);
        List<V2HorizontalPodAutoscaler> hpas = new ArrayList<>();
        for (Map<String, Object> doc : Kustomize.documents(readme.substring(start, end))) {
            hpas.add((V2HorizontalPodAutoscaler) Yaml.load(new org.yaml.snakeyaml.Yaml().dump(doc)));
        }
        return hpas;
    }

    @Test
    void one_hpa_per_metric_type_each_naming_an_offered_metric() throws Exception {
        List<V2HorizontalPodAutoscaler> hpas = examples();
        List<String> custom = ManifestsTest.windowMetricNames();
        List<String> types = new ArrayList<>();
        for (V2HorizontalPodAutoscaler hpa : hpas) {
            V2MetricSpec metric = hpa.getSpec().getMetrics().get(0);
            types.add(metric.getType());
            switch (metric.getType()) {
                case "Pods" -> assertTrue(custom.contains(metric.getPods().getMetric().getName()));
                case "Object" -> {
                    assertTrue(custom.contains(metric.getObject().getMetric().getName()));
                    // served at …/namespaces/NS/metrics/METRIC only for a Namespace in the HPA's own namespace
                    assertEquals("Namespace", metric.getObject().getDescribedObject().getKind());
                    assertEquals(hpa.getMetadata().getNamespace(), metric.getObject().getDescribedObject().getName());
                    assertNotNull(metric.getObject().getTarget().getValue());
                }
                case "External" -> {
                    String name = metric.getExternal().getMetric().getName();
                    assertTrue(custom.stream().anyMatch(m -> name.equals(m + "_sum") || name.equals(m + "_avg")
                            || name.equals(m + "_max")) || name.matches("(cpu_usage|memory_working_set)_(sum|avg|max)"),
                            name);
                    assertNotNull(metric.getExternal().getMetric().getSelector().getMatchLabels());
                }
                default -> throw new AssertionError("unexpected metric type " + metric.getType());
            }
        }
        assertEquals(List.of("Pods", "Object", "External"), types);
    }
}
