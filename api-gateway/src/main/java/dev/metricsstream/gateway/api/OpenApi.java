package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI documents a kube-aggregator downloads from an APIService backend: {@code /openapi/v2} (Swagger 2.0)
 * and {@code /openapi/v3} (the index of group-versions, each linked with a content hash) plus
 * {@code /openapi/v3/apis/metrics.k8s.io/<version>} (OpenAPI 3.0). They define NodeMetrics, PodMetrics, their
 * lists and ContainerMetrics with the names k8s.io/metrics uses, so merged cluster specs look as with
 * metrics-server. Built once at start: the documents never change while the process runs.
 */
public final class OpenApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private final byte[] v2;
    private final byte[] v3Index;
    private final List<String> versions;
    private final Map<String, byte[]> v3Documents = new HashMap<>();

    public OpenApi(List<String> versions, String gatewayVersion) {
        this.versions = List.copyOf(versions);
        ObjectNode swagger = MAPPER.createObjectNode();
        swagger.put("swagger", "2.0");
        swagger.putObject("info").put("title", "metrics-stream").put("version", gatewayVersion);
        ObjectNode paths = swagger.putObject("paths");
        ObjectNode definitions = swagger.putObject("definitions");
        for (String version : versions) {
            addV2Paths(paths, version);
            addSchemas(definitions, version, "#/definitions/");
        }
        addMetaSchemas(definitions, "#/definitions/");
        this.v2 = bytes(swagger);

        ObjectNode index = MAPPER.createObjectNode();
        ObjectNode indexPaths = index.putObject("paths");
        for (String version : versions) {
            byte[] document = bytes(v3Document(version, gatewayVersion));
            v3Documents.put(version, document);
            indexPaths.putObject("apis/" + Discovery.GROUP + "/" + version)
                    .put("serverRelativeURL", "/openapi/v3/apis/" + Discovery.GROUP + "/" + version + "?hash=" + hash(document));
        }
        this.v3Index = bytes(index);
    }

    public byte[] v2() {
        return v2.clone();
    }

    public byte[] v3Index() {
        return v3Index.clone();
    }

    /** The OpenAPI 3 document of one version, or null when the version is not served. */
    public byte[] v3(String version) {
        byte[] document = v3Documents.get(version);
        return document == null ? null : document.clone();
    }

    public List<String> versions() {
        return versions;
    }

    private static ObjectNode v3Document(String version, String gatewayVersion) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "metrics-stream").put("version", gatewayVersion);
        ObjectNode paths = doc.putObject("paths");
        String base = "/apis/" + Discovery.GROUP + "/" + version;
        String ref = "#/components/schemas/";
        addV3Path(paths, base + "/nodes", "list", "NodeMetricsList", version, ref, false);
        addV3Path(paths, base + "/nodes/{name}", "read", "NodeMetrics", version, ref, true);
        addV3Path(paths, base + "/pods", "list", "PodMetricsList", version, ref, false);
        addV3Path(paths, base + "/namespaces/{namespace}/pods", "list", "PodMetricsList", version, ref, false);
        addV3Path(paths, base + "/namespaces/{namespace}/pods/{name}", "read", "PodMetrics", version, ref, true);
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        addSchemas(schemas, version, ref);
        addMetaSchemas(schemas, ref);
        return doc;
    }

    private static void addV3Path(ObjectNode paths, String path, String verb, String kind, String version,
            String ref, boolean named) {
        ObjectNode get = paths.putObject(path).putObject("get");
        get.put("operationId", verb + "MetricsV" + version.substring(1) + kind.replace("List", ""));
        get.putArray("tags").add("metrics_" + version);
        ArrayNode parameters = get.putArray("parameters");
        if (path.contains("{namespace}")) {
            parameters.addObject().put("name", "namespace").put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        }
        if (named) {
            parameters.addObject().put("name", "name").put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        } else {
            for (String query : List.of("labelSelector", "fieldSelector")) {
                parameters.addObject().put("name", query).put("in", "query").putObject("schema").put("type", "string");
            }
        }
        get.putObject("responses").putObject("200").put("description", "OK")
                .putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", ref + definitionName(version, kind));
    }

    private static void addV2Paths(ObjectNode paths, String version) {
        String base = "/apis/" + Discovery.GROUP + "/" + version;
        String ref = "#/definitions/";
        addV2Path(paths, base + "/nodes", "list", "NodeMetricsList", version, ref, false);
        addV2Path(paths, base + "/nodes/{name}", "read", "NodeMetrics", version, ref, true);
        addV2Path(paths, base + "/pods", "list", "PodMetricsList", version, ref, false);
        addV2Path(paths, base + "/namespaces/{namespace}/pods", "list", "PodMetricsList", version, ref, false);
        addV2Path(paths, base + "/namespaces/{namespace}/pods/{name}", "read", "PodMetrics", version, ref, true);
    }

    private static void addV2Path(ObjectNode paths, String path, String verb, String kind, String version,
            String ref, boolean named) {
        ObjectNode get = paths.putObject(path).putObject("get");
        get.put("operationId", verb + "MetricsV" + version.substring(1) + kind.replace("List", "")
                + (verb.equals("list") && path.contains("{namespace}") ? "Namespaced" : ""));
        get.putArray("produces").add("application/json");
        get.putArray("schemes").add("https");
        get.putArray("tags").add("metrics_" + version);
        ArrayNode parameters = get.putArray("parameters");
        if (path.contains("{namespace}")) {
            parameters.addObject().put("name", "namespace").put("in", "path").put("required", true).put("type", "string");
        }
        if (named) {
            parameters.addObject().put("name", "name").put("in", "path").put("required", true).put("type", "string");
        } else {
            for (String query : List.of("labelSelector", "fieldSelector")) {
                parameters.addObject().put("name", query).put("in", "query").put("type", "string").put("uniqueItems", true);
            }
        }
        get.putObject("responses").putObject("200").put("description", "OK")
                .putObject("schema").put("$ref", ref + definitionName(version, kind));
    }

    static String definitionName(String version, String kind) {
        return "io.k8s.metrics.pkg.apis.metrics." + version + "." + kind;
    }

    private static void addSchemas(ObjectNode definitions, String version, String ref) {
        ObjectNode usage = MAPPER.createObjectNode();
        usage.put("type", "object").putObject("additionalProperties").put("$ref", ref + QUANTITY);

        ObjectNode container = definitions.putObject(definitionName(version, "ContainerMetrics"));
        container.put("description", "ContainerMetrics sets resource usage metrics of a container.");
        container.put("type", "object");
        container.putArray("required").add("name").add("usage");
        ObjectNode containerProps = container.putObject("properties");
        containerProps.putObject("name").put("type", "string").put("default", "")
                .put("description", "Container name corresponding to the one from pod.spec.containers.");
        containerProps.set("usage", usage.deepCopy().put("description", "The memory usage is the memory working set."));

        ObjectNode node = kindSchema(definitions, version, "NodeMetrics",
                "NodeMetrics sets resource usage metrics of a node.", ref, "ObjectMeta");
        node.withArray("required").add("timestamp").add("window").add("usage");
        ObjectNode nodeProps = (ObjectNode) node.get("properties");
        timeAndWindow(nodeProps, ref);
        nodeProps.set("usage", usage.deepCopy().put("description", "The memory usage is the memory working set."));

        ObjectNode pod = kindSchema(definitions, version, "PodMetrics",
                "PodMetrics sets resource usage metrics of a pod.", ref, "ObjectMeta");
        pod.withArray("required").add("timestamp").add("window").add("containers");
        ObjectNode podProps = (ObjectNode) pod.get("properties");
        timeAndWindow(podProps, ref);
        podProps.putObject("containers").put("type", "array").put("description", "Metrics for all containers are collected within the same time window.")
                .putObject("items").put("$ref", ref + definitionName(version, "ContainerMetrics"));

        for (String kind : List.of("NodeMetrics", "PodMetrics")) {
            ObjectNode list = kindSchema(definitions, version, kind + "List", kind + "List is a list of " + kind + ".",
                    ref, "ListMeta");
            list.withArray("required").add("items");
            ((ObjectNode) list.get("properties")).putObject("items").put("type", "array")
                    .put("description", "List of " + kind.toLowerCase(Locale.ROOT).replace("metrics", "") + " metrics.")
                    .putObject("items").put("$ref", ref + definitionName(version, kind));
        }
    }

    private static ObjectNode kindSchema(ObjectNode definitions, String version, String kind, String description,
            String ref, String metaType) {
        ObjectNode schema = definitions.putObject(definitionName(version, kind));
        schema.put("description", description);
        schema.put("type", "object");
        schema.putArray("required");
        ObjectNode props = schema.putObject("properties");
        props.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the versioned schema of this representation of an object.");
        props.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the REST resource this object represents.");
        props.putObject("metadata").put("$ref", ref + META + metaType).put("description", "Standard object's metadata.");
        schema.putArray("x-kubernetes-group-version-kind").addObject()
                .put("group", Discovery.GROUP).put("kind", kind).put("version", version);
        return schema;
    }

    private static void timeAndWindow(ObjectNode props, String ref) {
        props.putObject("timestamp").put("$ref", ref + META + "Time")
                .put("description", "The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].");
        props.putObject("window").put("$ref", ref + META + "Duration");
    }

    private static void addMetaSchemas(ObjectNode definitions, String ref) {
        definitions.putObject(QUANTITY).put("type", "string")
                .put("description", "Quantity is a fixed-point representation of a number (e.g. 487558164n, 732212Ki).");
        definitions.putObject(META + "Time").put("type", "string").put("format", "date-time")
                .put("description", "Time is a wrapper around time.Time; RFC 3339 in JSON.");
        definitions.putObject(META + "Duration").put("type", "string")
                .put("description", "Duration is a wrapper around time.Duration; Go duration string in JSON.");
        ObjectNode objectMeta = definitions.putObject(META + "ObjectMeta");
        objectMeta.put("type", "object").put("description", "ObjectMeta is metadata that all persisted resources must have.");
        ObjectNode metaProps = objectMeta.putObject("properties");
        metaProps.putObject("name").put("type", "string");
        metaProps.putObject("namespace").put("type", "string");
        metaProps.putObject("creationTimestamp").put("$ref", ref + META + "Time");
        metaProps.putObject("labels").put("type", "object").putObject("additionalProperties").put("type", "string");
        ObjectNode listMeta = definitions.putObject(META + "ListMeta");
        listMeta.put("type", "object").put("description", "ListMeta describes metadata that synthetic resources must have.");
        ObjectNode listProps = listMeta.putObject("properties");
        listProps.putObject("resourceVersion").put("type", "string");
        listProps.putObject("continue").put("type", "string");
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(byte[] document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(document);
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
