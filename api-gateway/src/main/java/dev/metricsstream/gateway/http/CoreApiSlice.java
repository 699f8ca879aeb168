package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The read-only slice of the core API ({@code /api}, {@code /api/v1}, nodes and pods, get and list) that
 * {@code kubectl top} reads besides the metrics API, for the standalone only, where no kube-apiserver exists:
 * {@code top node} lists {@code /api/v1/nodes} for the allocatable resources its percentages divide by, and
 * {@code top pod} lists {@code /api/v1/namespaces/NS/pods} when the metrics list is empty (k8s.io/kubectl
 * {@code pkg/cmd/top}). Never installed in the cluster gateway: there the real apiserver serves {@code /api}.
 *
 * <p>The objects are what the pipeline knows: a node or pod exists here when the metrics API would serve it (fresh),
 * with its labels; nodes carry capacity and allocatable CPU and memory when {@link NodeResourcesSource} knows them.
 */
public final class CoreApiSlice {
    /** A node's capacity and allocatable resources (null where unknown), as {@code NodeUsage} carries them. */
    public record NodeResources(Long capacityCpuMillicores, Long capacityMemoryBytes, Long allocatableCpuMillicores,
            Long allocatableMemoryBytes) {
    }

    /** Where node capacities come from (the simulator, the scrapes' node info). */
    public interface NodeResourcesSource {
        Optional<NodeResources> of(String nodeName);
    }

    private final MetricsStoreReader store;
    private final HealthCheck storeRestored;
    private final InstantSource clock;
    private final Freshness freshness;
    private final NodeResourcesSource resources;

    public CoreApiSlice(MetricsStoreReader store, HealthCheck storeRestored, InstantSource clock, Freshness freshness,
            NodeResourcesSource resources) {
        this.store = store;
        this.storeRestored = storeRestored;
        this.clock = clock;
        this.freshness = freshness;
        this.resources = resources;
    }

    public void install(JavalinConfig config) {
        config.routes.get("/api", ctx -> ResponseBodies.json(ctx, CoreApiSlice::writeVersions));
        config.routes.get("/api/v1", ctx -> ResponseBodies.json(ctx, CoreApiSlice::writeResourceList));
        config.routes.get("/api/v1/nodes", this::listNodes);
        config.routes.get("/api/v1/nodes/{name}", this::getNode);
        config.routes.get("/api/v1/pods", ctx -> listPods(ctx, null));
        config.routes.get("/api/v1/namespaces/{namespace}/pods", ctx -> listPods(ctx, ctx.pathParam("namespace")));
        config.routes.get("/api/v1/namespaces/{namespace}/pods/{name}", this::getPod);
    }

    private static void writeVersions(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIVersions");
        json.writeArrayFieldStart("versions");
        json.writeString("v1");
        json.writeEndArray();
        json.writeArrayFieldStart("serverAddressByClientCIDRs");
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeResourceList(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIResourceList");
        json.writeStringField("groupVersion", "v1");
        json.writeArrayFieldStart("resources");
        writeResource(json, "nodes", "node", false, "Node");
        writeResource(json, "pods", "pod", true, "Pod");
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeResource(JsonGenerator json, String name, String singular, boolean namespaced,
            String kind) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("singularName", singular);
        json.writeBooleanField("namespaced", namespaced);
        json.writeStringField("kind", kind);
        json.writeArrayFieldStart("verbs");
        json.writeString("get");
        json.writeString("list");
        json.writeEndArray();
        json.writeEndObject();
    }

    private void listNodes(Context ctx) throws IOException {
        ListRequests.Selectors selectors =
                ListRequests.storeRestored(ctx, storeRestored) ? ListRequests.selectors(ctx) : null;
        if (selectors == null) {
            return;
        }
        long now = clock.millis();
        ResponseBodies.json(ctx, json -> {
            startList(json, "NodeList");
            store.forEachNode(node -> {
                if (freshness.isFresh(node.getTimestampMillis(), now)
                        && selectors.fields().matches(node.getNodeName(), null)
                        && selectors.labels().matches(node.getLabels())) {
                    ListRequests.write(() -> writeNode(json, node, false));
                }
            });
            endList(json);
        });
    }

    private void getNode(Context ctx) throws IOException {
        if (!ListRequests.storeRestored(ctx, storeRestored)) {
            return;
        }
        String name = ctx.pathParam("name");
        long now = clock.millis();
        Optional<NodeMetrics> node = store.node(name).filter(n -> freshness.isFresh(n.getTimestampMillis(), now));
        if (node.isEmpty()) {
            StatusResponses.send(ctx, notFound("nodes", name));
            return;
        }
        ResponseBodies.json(ctx, json -> writeNode(json, node.get(), true));
    }

    private void listPods(Context ctx, String pathNamespace) throws IOException {
        ListRequests.Selectors selectors =
                ListRequests.storeRestored(ctx, storeRestored) ? ListRequests.selectors(ctx) : null;
        if (selectors == null) {
            return;
        }
        long now = clock.millis();
        String namespace = pathNamespace != null ? pathNamespace : selectors.fields().requiredNamespace();
        ResponseBodies.json(ctx, json -> {
            startList(json, "PodList");
            Consumer<PodMetrics> each = pod -> {
                if ((pathNamespace == null || pathNamespace.equals(pod.getNamespace()))
                        && freshness.isFresh(pod.getTimestampMillis(), now)
                        && selectors.fields().matches(pod.getName(), pod.getNamespace())
                        && selectors.labels().matches(pod.getLabels())) {
                    ListRequests.write(() -> writePod(json, pod, false));
                }
            };
            if (namespace != null) {
                store.forEachPodInNamespace(namespace, each);
            } else {
                store.forEachPod(each);
            }
            endList(json);
        });
    }

    private void getPod(Context ctx) throws IOException {
        if (!ListRequests.storeRestored(ctx, storeRestored)) {
            return;
        }
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        long now = clock.millis();
        Optional<PodMetrics> pod = store.pod(namespace, name)
                .filter(p -> freshness.isFresh(p.getTimestampMillis(), now));
        if (pod.isEmpty()) {
            StatusResponses.send(ctx, notFound("pods", name));
            return;
        }
        ResponseBodies.json(ctx, json -> writePod(json, pod.get(), true));
    }

    /** {@code errors.NewNotFound(corev1.Resource(resource), name)}: {@code nodes "x" not found}. */
    static ApiStatus notFound(String resource, String name) {
        return new ApiStatus(404, "NotFound", resource + " \"" + name + "\" not found",
                new ApiStatus.Details(name, null, resource));
    }

    private static void startList(JsonGenerator json, String kind) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", kind);
        json.writeStringField("apiVersion", "v1");
        json.writeObjectFieldStart("metadata");
        json.writeEndObject();
        json.writeArrayFieldStart("items");
    }

    private static void endList(JsonGenerator json) throws IOException {
        json.writeEndArray();
        json.writeEndObject();
    }

    private void writeNode(JsonGenerator json, NodeMetrics node, boolean typed) throws IOException {
        json.writeStartObject();
        if (typed) {
            json.writeStringField("kind", "Node");
            json.writeStringField("apiVersion", "v1");
        }
        writeMetadata(json, node.getNodeName(), null, node.getLabels());
        json.writeObjectFieldStart("status");
        Optional<NodeResources> known = resources.of(node.getNodeName());
        if (known.isPresent()) {
            writeResources(json, "capacity", known.get().capacityCpuMillicores(), known.get().capacityMemoryBytes());
            writeResources(json, "allocatable", known.get().allocatableCpuMillicores(),
                    known.get().allocatableMemoryBytes());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeResources(JsonGenerator json, String field, Long cpuMillicores, Long memoryBytes)
            throws IOException {
        if (cpuMillicores == null && memoryBytes == null) {
            return;
        }
        json.writeObjectFieldStart(field);
        if (cpuMillicores != null) {
            json.writeStringField("cpu", cpuMillicores % 1000 == 0 ? Long.toString(cpuMillicores / 1000)
                    : cpuMillicores + "m");
        }
        if (memoryBytes != null) {
            json.writeStringField("memory", memoryBytes % 1024 == 0 ? (memoryBytes / 1024) + "Ki"
                    : Long.toString(memoryBytes));
        }
        json.writeEndObject();
    }

    private static void writePod(JsonGenerator json, PodMetrics pod, boolean typed) throws IOException {
        json.writeStartObject();
        if (typed) {
            json.writeStringField("kind", "Pod");
            json.writeStringField("apiVersion", "v1");
        }
        writeMetadata(json, pod.getName(), pod.getNamespace(), pod.getLabels());
        json.writeObjectFieldStart("spec");
        json.writeStringField("nodeName", pod.getNodeName());
        json.writeEndObject();
        json.writeObjectFieldStart("status");
        json.writeStringField("phase", "Running"); // only Running pods are served
        json.writeEndObject();
        json.writeEndObject();
    }

    /** ObjectMeta without a creation time: the pipeline does not know it (Go decodes the absence as zero time). */
    private static void writeMetadata(JsonGenerator json, String name, String namespace, Map<String, String> labels)
            throws IOException {
        json.writeObjectFieldStart("metadata");
        json.writeStringField("name", name);
        if (namespace != null) {
            json.writeStringField("namespace", namespace);
        }
        if (labels != null && !labels.isEmpty()) {
            json.writeObjectFieldStart("labels");
            for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
                json.writeStringField(label.getKey(), label.getValue());
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
