package dev.metricsstream.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Renders the objects of the real captures in the fixtures folder and compares field by field, in order: the
 * fixture re-serialized compactly (Jackson keeps document order) against our output. {@code selfLink} is removed
 * from the two 2022 captures: Kubernetes 1.20 stopped setting it, and current metrics-server does not write it.
 */
class MetricsJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = MetricsJsonTest.class.getResourceAsStream("/fixtures/kubelet/" + name)) {
            JsonNode node = MAPPER.readTree(in);
            if (node.has("metadata")) {
                ((ObjectNode) node.get("metadata")).remove("selfLink");
            }
            return node;
        }
    }

    static long millis(String rfc3339) {
        return Instant.parse(rfc3339).toEpochMilli();
    }

    private static String render(Writer writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MetricsJson.generator(out)) {
            writer.write(json);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    static Map<String, String> labels(JsonNode metadata) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (metadata.has("labels")) {
            metadata.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        return labels;
    }

    @Test
    void node_metrics_with_labels_match_the_ub18_capture_field_by_field() throws IOException {
        JsonNode expected = fixture("metrics-api_NodeMetrics_ub18_2023-03_with-labels.json");
        // labels given in reverse order: the output must sort them as Go does
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> keys = new java.util.ArrayList<>(labels(expected.get("metadata")).keySet());
        java.util.Collections.reverse(keys);
        keys.forEach(k -> labels.put(k, expected.get("metadata").get("labels").get(k).asText()));
        NodeMetrics node = NodeMetrics.newBuilder().setNodeName("ub18").setLabels(labels)
                .setTimestampMillis(millis("2023-03-03T04:37:54Z") + 734).setWindowNanos(20_064_000_000L)
                .setCpuNanocores(329087452L).setMemoryWorkingSetBytes(2748180L * 1024).build();

        String actual = render(json -> MetricsJson.writeNode(json, node, "metrics.k8s.io/v1beta1",
                millis("2023-03-03T04:38:08Z") + 999, true));

        assertEquals(MAPPER.writeValueAsString(expected), actual);
    }

    @Test
    void node_metrics_without_labels_match_the_minikube_capture() throws IOException {
        JsonNode expected = fixture("metrics-api_NodeMetrics_minikube_2022-01_k8s-website.json");
        NodeMetrics node = NodeMetrics.newBuilder().setNodeName("minikube")
                .setTimestampMillis(millis("2022-01-27T18:48:33Z")).setWindowNanos(30_000_000_000L)
                .setCpuNanocores(487558164L).setMemoryWorkingSetBytes(732212L * 1024).build();

        String actual = render(json -> MetricsJson.writeNode(json, node, "metrics.k8s.io/v1beta1",
                millis("2022-01-27T18:48:43Z"), true));

        assertEquals(MAPPER.writeValueAsString(expected), actual);
    }

    @Test
    void pod_metrics_match_the_kube_scheduler_capture() throws IOException {
        JsonNode expected = fixture("metrics-api_PodMetrics_kube-scheduler-minikube_2022-01_k8s-website.json");
        PodMetrics pod = PodMetrics.newBuilder().setNamespace("kube-system").setName("kube-scheduler-minikube")
                .setNodeName("minikube").setTimestampMillis(millis("2022-01-27T19:24:31Z"))
                .setWindowNanos(30_000_000_000L)
                .setContainers(List.of(new ContainerMetrics("kube-scheduler", 9559630L, 22244L * 1024)))
                .build();

        String actual = render(json -> MetricsJson.writePod(json, pod, "metrics.k8s.io/v1beta1",
                millis("2022-01-27T19:25:00Z"), true));

        assertEquals(MAPPER.writeValueAsString(expected), actual);
    }

    @Test
    void node_metrics_list_matches_the_k3s_capture_with_empty_list_metadata() throws IOException {
        JsonNode expected = fixture("metrics-api_NodeMetricsList_k3s-v1.23.8_2022-09.json");
        JsonNode item = expected.get("items").get(0);
        NodeMetrics node = NodeMetrics.newBuilder().setNodeName("k3d-kyv180rc1-server-0")
                .setLabels(labels(item.get("metadata")))
                .setTimestampMillis(millis("2022-09-11T13:37:24Z")).setWindowNanos(10_059_000_000L)
                .setCpuNanocores(298952967L).setMemoryWorkingSetBytes(1311340L * 1024).build();

        String actual = render(json -> {
            MetricsJson.startList(json, MetricsJson.NODE_KIND, "metrics.k8s.io/v1beta1");
            MetricsJson.writeNode(json, node, "metrics.k8s.io/v1beta1", millis("2022-09-11T13:37:39Z"), false);
            MetricsJson.endList(json);
        });

        assertEquals(MAPPER.writeValueAsString(expected), actual);
    }

    @Test
    void api_resource_list_matches_what_metrics_server_serves() throws IOException {
        JsonNode expected = fixture("metrics-api_discovery_APIResourceList_v1beta1_2018.json");
        Discovery discovery = new Discovery(List.of("v1beta1", "v1"));

        String actual = render(json -> discovery.writeResourceList(json, "v1beta1"));

        assertEquals(MAPPER.writeValueAsString(expected), actual);
    }

    @Test
    void a_pod_with_an_empty_namespace_label_set_and_zero_usage_prints_zero_quantities() throws IOException {
        PodMetrics pod = PodMetrics.newBuilder().setNamespace("ns").setName("idle").setNodeName("n1")
                .setTimestampMillis(millis("2026-11-21T21:00:00.500Z")).setWindowNanos(60_000_000_000L)
                .setContainers(List.of(new ContainerMetrics("c", 0L, 0L))).build();

        String actual = render(json -> MetricsJson.writePod(json, pod, "metrics.k8s.io/v1", millis("2026-11-21T21:00:05Z"), true));

        assertEquals("{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1\",\"metadata\":{\"name\":\"idle\","
                + "\"namespace\":\"ns\",\"creationTimestamp\":\"2026-11-21T21:00:05Z\"},\"timestamp\":\"2026-11-21T21:00:00Z\","
                + "\"window\":\"1m0s\",\"containers\":[{\"name\":\"c\",\"usage\":{\"cpu\":\"0\",\"memory\":\"0\"}}]}", actual);
    }

    @Test
    void not_found_status_is_what_apimachinery_errors_new_not_found_writes() throws IOException {
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"podmetrics.metrics.k8s.io \\\"ns/name\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"ns/name\",\"group\":\"metrics.k8s.io\",\"kind\":\"podmetrics\"},\"code\":404}",
                render(ApiStatus.podNotFound("ns", "name")::write));
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"nodemetrics.metrics.k8s.io \\\"n1\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"n1\",\"group\":\"metrics.k8s.io\",\"kind\":\"nodemetrics\"},\"code\":404}",
                render(ApiStatus.nodeNotFound("n1")::write));
    }

    @Test
    void watch_is_refused_as_method_not_supported() throws IOException {
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"watch is not supported on resources of kind \\\"podmetrics.metrics.k8s.io\\\"\","
                + "\"reason\":\"MethodNotAllowed\",\"details\":{\"group\":\"metrics.k8s.io\",\"kind\":\"podmetrics\"},"
                + "\"code\":405}", render(ApiStatus.methodNotSupported("podmetrics", "watch")::write));
    }

    @Test
    void bad_request_status_has_no_details() throws IOException {
        assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"bad\",\"reason\":\"BadRequest\",\"code\":400}", render(ApiStatus.badRequest("bad")::write));
    }

    @Test
    void a_list_written_from_pre_rendered_items_is_byte_for_byte_the_generator_list() throws IOException {
        long now = millis("2026-12-04T19:30:07.250Z");
        List<PodMetrics> pods = List.of(
                PodMetrics.newBuilder().setNamespace("kube-system").setName("coredns-5d78c9869d-8pzjq")
                        .setNodeName("n1").setLabels(Map.of("k8s-app", "kube-dns", "pod-template-hash", "5d78c9869d"))
                        .setTimestampMillis(millis("2026-12-04T19:29:58.900Z")).setWindowNanos(15_012_000_000L)
                        .setContainers(List.of(new ContainerMetrics("coredns", 2_345_678L, 17_000_000L),
                                new ContainerMetrics("sidecar", 0L, 1L))).build(),
                // escaping: quotes, backslash, control and non-ASCII characters in label values
                PodMetrics.newBuilder().setNamespace("shop").setName("web-0").setNodeName("n2")
                        .setLabels(Map.of("note", "say \"hi\" \\ tab\t caf\u00e9 \u2603", "a", ""))
                        .setTimestampMillis(millis("2026-12-04T19:29:50Z")).setWindowNanos(1_000_000L)
                        .setContainers(List.of()).build(),
                PodMetrics.newBuilder().setNamespace("").setName("no-namespace").setNodeName("n3")
                        .setTimestampMillis(0).setWindowNanos(0).setContainers(List.of()).build());

        String generated = render(json -> {
            MetricsJson.startList(json, MetricsJson.POD_KIND, "metrics.k8s.io/v1");
            for (PodMetrics pod : pods) {
                MetricsJson.writePod(json, pod, "metrics.k8s.io/v1", now, false);
            }
            MetricsJson.endList(json);
            json.writeRaw('\n');
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ListWriter list = new ListWriter(out, MetricsJson.POD_KIND, "metrics.k8s.io/v1", now);
        for (PodMetrics pod : pods) {
            list.item(MetricsJson.podListItem(pod));
        }
        list.end();

        assertEquals(generated, out.toString(java.nio.charset.StandardCharsets.UTF_8));
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new ListWriter(empty, MetricsJson.POD_KIND, "metrics.k8s.io/v1beta1", now).end();
        assertEquals("{\"kind\":\"PodMetricsList\",\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"metadata\":{},"
                + "\"items\":[]}\n", empty.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
