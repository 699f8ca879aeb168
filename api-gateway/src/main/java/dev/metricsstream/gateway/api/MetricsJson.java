package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes NodeMetrics, PodMetrics and their lists exactly as metrics-server (encoding/json over the
 * k8s.io/metrics types) does: field order of the Go structs, RFC 3339 seconds, Go duration windows, canonical
 * quantities, labels sorted by key and left out when empty, list {@code metadata: {}}.
 */
public final class MetricsJson {
    public static final String NODE_KIND = "NodeMetrics";
    public static final String POD_KIND = "PodMetrics";
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private MetricsJson() {
    }

    public static JsonGenerator generator(OutputStream out) {
        try {
            JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code metav1.Time}: UTC, whole seconds (Go's {@code time.RFC3339}). */
    public static String rfc3339(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * One NodeMetrics. {@code withTypeMeta} is true for a single GET and false inside a list, where the Go
     * list items carry no kind/apiVersion.
     */
    public static void writeNode(JsonGenerator json, NodeMetrics node, String apiVersion, long requestMillis,
            boolean withTypeMeta) throws IOException {
        json.writeStartObject();
        if (withTypeMeta) {
            json.writeStringField("kind", NODE_KIND);
            json.writeStringField("apiVersion", apiVersion);
        }
        writeMetadata(json, node.getNodeName(), null, node.getLabels(), requestMillis);
        json.writeStringField("timestamp", rfc3339(node.getTimestampMillis()));
        json.writeStringField("window", GoDuration.format(node.getWindowNanos()));
        writeUsage(json, node.getCpuNanocores(), node.getMemoryWorkingSetBytes());
        json.writeEndObject();
    }

    public static void writePod(JsonGenerator json, PodMetrics pod, String apiVersion, long requestMillis,
            boolean withTypeMeta) throws IOException {
        json.writeStartObject();
        if (withTypeMeta) {
            json.writeStringField("kind", POD_KIND);
            json.writeStringField("apiVersion", apiVersion);
        }
        writeMetadata(json, pod.getName(), pod.getNamespace(), pod.getLabels(), requestMillis);
        writePodBody(json, pod);
        json.writeEndObject();
    }

    /** What follows a pod's metadata: timestamp, window, containers. */
    private static void writePodBody(JsonGenerator json, PodMetrics pod) throws IOException {
        json.writeStringField("timestamp", rfc3339(pod.getTimestampMillis()));
        json.writeStringField("window", GoDuration.format(pod.getWindowNanos()));
        json.writeArrayFieldStart("containers");
        for (ContainerMetrics container : pod.getContainers()) {
            json.writeStartObject();
            json.writeStringField("name", container.getName());
            writeUsage(json, container.getCpuNanocores(), container.getMemoryWorkingSetBytes());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /**
     * A pod as a list item (no type meta), rendered once at load time around its only request-dependent value,
     * {@code metadata.creationTimestamp}: the request writes {@code head}, the quoted request time and {@code tail}
     * ({@link ListWriter}). The bytes are the ones {@link #writePod} writes, by construction: the same code renders
     * them, with a placeholder time that is cut out. The rest is cut after {@code metadata} (see {@link ListItemJson}).
     */
    public static ListItemJson podListItem(PodMetrics pod) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        int headEnd;
        int tailStart;
        int metaEnd;
        try (JsonGenerator json = generator(bytes)) {
            json.writeStartObject();
            json.writeObjectFieldStart("metadata");
            writeNameAndNamespace(json, pod.getName(), pod.getNamespace());
            json.writeFieldName("creationTimestamp");
            json.flush();
            headEnd = bytes.size();
            json.writeString(PLACEHOLDER_TIME);
            json.flush();
            tailStart = bytes.size();
            writeLabels(json, pod.getLabels());
            json.writeEndObject();
            json.flush();
            metaEnd = bytes.size();
            writePodBody(json, pod);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = bytes.toByteArray();
        // the value part is [separator ':'] + '"' + placeholder + '"'; the separator belongs to the head
        int headLength = tailStart - (PLACEHOLDER_TIME.length() + 2);
        if (headLength < headEnd || all[headLength] != '"') {
            throw new IllegalStateException("unexpected JSON around the creation time");
        }
        return new ListItemJson(Arrays.copyOfRange(all, 0, headLength), Arrays.copyOfRange(all, tailStart, metaEnd),
                Arrays.copyOfRange(all, metaEnd, all.length));
    }

    private static final String PLACEHOLDER_TIME = "1970-01-01T00:00:00Z";

    /** ObjectMeta in Go field order: name, namespace, creationTimestamp, labels. */
    static void writeMetadata(JsonGenerator json, String name, String namespace, Map<String, String> labels,
            long requestMillis) throws IOException {
        json.writeObjectFieldStart("metadata");
        writeNameAndNamespace(json, name, namespace);
        json.writeStringField("creationTimestamp", rfc3339(requestMillis));
        writeLabels(json, labels);
        json.writeEndObject();
    }

    private static void writeNameAndNamespace(JsonGenerator json, String name, String namespace) throws IOException {
        json.writeStringField("name", name);
        if (namespace != null && !namespace.isEmpty()) {
            json.writeStringField("namespace", namespace);
        }
    }

    private static void writeLabels(JsonGenerator json, Map<String, String> labels) throws IOException {
        if (labels != null && !labels.isEmpty()) {
            json.writeObjectFieldStart("labels");
            for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
                json.writeStringField(label.getKey(), label.getValue());
            }
            json.writeEndObject();
        }
    }

    /** {@code corev1.ResourceList} is a Go map: keys sorted, so cpu before memory. */
    private static void writeUsage(JsonGenerator json, long cpuNanocores, long memoryBytes) throws IOException {
        json.writeObjectFieldStart("usage");
        json.writeStringField("cpu", Quantities.cpu(cpuNanocores));
        json.writeStringField("memory", Quantities.memory(memoryBytes));
        json.writeEndObject();
    }

    /** Opens {@code {"kind": "...List", "apiVersion": ..., "metadata": {}, "items": [}; close with {@link #endList}. */
    public static void startList(JsonGenerator json, String itemKind, String apiVersion) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", itemKind + "List");
        json.writeStringField("apiVersion", apiVersion);
        json.writeObjectFieldStart("metadata");
        json.writeEndObject();
        json.writeArrayFieldStart("items");
    }

    public static void endList(JsonGenerator json) throws IOException {
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
    }
}
