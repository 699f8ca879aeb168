package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server-side table ({@code meta.k8s.io Table}) metrics-server builds in {@code ConvertToTable}
 * ({@code pkg/api/pod.go}, {@code node.go}): columns Name, cpu, memory, Window; a pod's usage is the sum of its
 * containers. {@code kubectl get pods.metrics.k8s.io} asks for it; without it kubectl can only print NAME and AGE.
 * Row objects follow the apiserver's {@code includeObject} parameter (default Metadata: PartialObjectMetadata).
 */
public final class TableJson {
    /** How rows carry their object, as the {@code includeObject} query parameter says. */
    public enum IncludeObject {
        NONE, METADATA, OBJECT;

        public static IncludeObject parse(String value) {
            if (value == null || value.isBlank()) {
                return METADATA;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "object" -> OBJECT;
                default -> METADATA;
            };
        }
    }

    /** Table request parameters: the meta.k8s.io version asked for and how objects are included. */
    public record Request(String metaVersion, IncludeObject include) {
    }

    private TableJson() {
    }

    /**
     * The Table version the client asked for in {@code Accept} (first media type that is a meta.k8s.io Table in
     * JSON), or null when it did not ask for a table.
     */
    public static String requestedTableVersion(String accept) {
        if (accept == null) {
            return null;
        }
        for (String mediaType : accept.split(",")) {
            String[] parts = mediaType.trim().split(";");
            if (!parts[0].trim().equals("application/json")) {
                continue;
            }
            Map<String, String> params = new TreeMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    params.put(kv[0].trim(), kv[1].trim());
                }
            }
            if ("Table".equals(params.get("as")) && "meta.k8s.io".equals(params.get("g"))
                    && ("v1".equals(params.get("v")) || "v1beta1".equals(params.get("v")))) {
                return params.get("v");
            }
        }
        return null;
    }

    public static void start(JsonGenerator json, Request request) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "Table");
        json.writeStringField("apiVersion", "meta.k8s.io/" + request.metaVersion());
        json.writeObjectFieldStart("metadata");
        json.writeEndObject();
        json.writeArrayFieldStart("columnDefinitions");
        column(json, "Name", "name", "Name of the resource");
        column(json, "cpu", "quantity", "");
        column(json, "memory", "quantity", "");
        column(json, "Window", "duration", "");
        json.writeEndArray();
        json.writeArrayFieldStart("rows");
    }

    public static void end(JsonGenerator json) throws IOException {
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
    }

    private static void column(JsonGenerator json, String name, String format, String description) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("type", "string");
        json.writeStringField("format", format);
        json.writeStringField("description", description);
        json.writeNumberField("priority", 0);
        json.writeEndObject();
    }

    public static void nodeRow(JsonGenerator json, NodeMetrics node, Request request, String apiVersion,
            long requestMillis) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("cells");
        json.writeString(node.getNodeName());
        json.writeString(Quantities.cpu(node.getCpuNanocores()));
        json.writeString(Quantities.memory(node.getMemoryWorkingSetBytes()));
        json.writeString(GoDuration.format(node.getWindowNanos()));
        json.writeEndArray();
        switch (request.include()) {
            case OBJECT -> {
                json.writeFieldName("object");
                MetricsJson.writeNode(json, node, apiVersion, requestMillis, true);
            }
            case METADATA -> partial(json, request, node.getNodeName(), null, node.getLabels(), requestMillis);
            default -> {
            }
        }
        json.writeEndObject();
    }

    public static void podRow(JsonGenerator json, PodMetrics pod, Request request, String apiVersion,
            long requestMillis) throws IOException {
        long nanocores = 0;
        long bytes = 0;
        for (ContainerMetrics container : pod.getContainers()) {
            nanocores += container.getCpuNanocores();
            bytes += container.getMemoryWorkingSetBytes();
        }
        json.writeStartObject();
        json.writeArrayFieldStart("cells");
        json.writeString(pod.getName());
        json.writeString(Quantities.cpu(nanocores));
        json.writeString(Quantities.memory(bytes));
        json.writeString(GoDuration.format(pod.getWindowNanos()));
        json.writeEndArray();
        switch (request.include()) {
            case OBJECT -> {
                json.writeFieldName("object");
                MetricsJson.writePod(json, pod, apiVersion, requestMillis, true);
            }
            case METADATA -> partial(json, request, pod.getName(), pod.getNamespace(), pod.getLabels(), requestMillis);
            default -> {
            }
        }
        json.writeEndObject();
    }

    private static void partial(JsonGenerator json, Request request, String name, String namespace,
            Map<String, String> labels, long requestMillis) throws IOException {
        json.writeObjectFieldStart("object");
        json.writeStringField("kind", "PartialObjectMetadata");
        json.writeStringField("apiVersion", "meta.k8s.io/" + request.metaVersion());
        MetricsJson.writeMetadata(json, name, namespace, labels, requestMillis);
        json.writeEndObject();
    }
}
