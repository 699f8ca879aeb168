package dev.metricsstream.collector.metadata;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DaemonEndpoint;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeDaemonEndpoints;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * List + watch for cluster-wide informers that keeps memory small at scale:
 * <ul>
 * <li>the list is read in pages ({@code limit}/{@code continue}, {@value #PAGE} objects each; an apiserver serving
 *     from its watch cache may answer in one page) and each page is streamed: every item is cut down as it is
 *     parsed, so only one full object is ever in memory;</li>
 * <li>the list handed to the informer holds only slim objects — client-java's reflector keeps the last list
 *     reachable while it watches, which with full objects doubled the heap (measured: 15,000 pods, +145 MiB);</li>
 * <li>watch events are cut down by the informer's transform ({@code setTransform}) on arrival;</li>
 * <li>BOOKMARK events, which client-java 27 cannot parse, are understood ({@link BookmarkTolerantWatch}), so the
 *     watch stays open instead of failing and relisting.</li>
 * </ul>
 */
public abstract class SlimListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
        implements ListerWatcher<T, L> {
    static final int PAGE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient client;
    private final Class<T> type;
    private final UnaryOperator<T> slim;

    private final Function<V1ObjectMeta, T> bookmarkCarrier;

    private SlimListerWatcher(ApiClient client, Class<T> type, UnaryOperator<T> slim,
            Function<V1ObjectMeta, T> bookmarkCarrier) {
        this.client = client;
        this.type = type;
        this.slim = slim;
        this.bookmarkCarrier = bookmarkCarrier;
    }

    /** Every pod of the cluster. */
    public static SlimListerWatcher<V1Pod, V1PodList> pods(ApiClient client) {
        return pods(client, null);
    }

    /** The pods matching {@code fieldSelector} (e.g. {@code spec.nodeName=<node>}), every pod when null. */
    public static SlimListerWatcher<V1Pod, V1PodList> pods(ApiClient client, String fieldSelector) {
        CoreV1Api api = new CoreV1Api(client);
        return new SlimListerWatcher<>(client, V1Pod.class, SlimListerWatcher::slimPod,
                meta -> new V1Pod().metadata(meta)) {
            @Override
            Call pageCall(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException {
                return api.listPodForAllNamespaces().fieldSelector(fieldSelector).resourceVersion(resourceVersion)
                        ._continue(token).limit(PAGE).timeoutSeconds(timeoutSeconds).buildCall(null);
            }

            @Override
            Call watchCall(CallGeneratorParams params) throws ApiException {
                return api.listPodForAllNamespaces().fieldSelector(fieldSelector)
                        .resourceVersion(params.resourceVersion).watch(true).timeoutSeconds(params.timeoutSeconds)
                        .allowWatchBookmarks(true).buildCall(null);
            }

            @Override
            V1Pod slimFromJson(JsonNode item) {
                return slimPodFromJson(item);
            }

            @Override
            V1PodList combine(List<V1Pod> items, V1ListMeta meta) {
                return new V1PodList().apiVersion("v1").kind("PodList").metadata(meta).items(items);
            }
        };
    }

    /** Every node of the cluster. */
    public static SlimListerWatcher<V1Node, V1NodeList> nodes(ApiClient client) {
        CoreV1Api api = new CoreV1Api(client);
        return new SlimListerWatcher<>(client, V1Node.class, SlimListerWatcher::slimNode,
                meta -> new V1Node().metadata(meta)) {
            @Override
            Call pageCall(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException {
                return api.listNode().resourceVersion(resourceVersion)._continue(token).limit(PAGE)
                        .timeoutSeconds(timeoutSeconds).buildCall(null);
            }

            @Override
            Call watchCall(CallGeneratorParams params) throws ApiException {
                return api.listNode().resourceVersion(params.resourceVersion).watch(true)
                        .timeoutSeconds(params.timeoutSeconds).allowWatchBookmarks(true).buildCall(null);
            }

            @Override
            V1Node slimFromJson(JsonNode item) {
                return slimNodeFromJson(item);
            }

            @Override
            V1NodeList combine(List<V1Node> items, V1ListMeta meta) {
                return new V1NodeList().apiVersion("v1").kind("NodeList").metadata(meta).items(items);
            }
        };
    }

    abstract Call pageCall(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException;

    abstract Call watchCall(CallGeneratorParams params) throws ApiException;

    abstract L combine(List<T> items, V1ListMeta meta);

    /**
     * Lists in pages, each read as a stream: the items are cut down one by one as they are parsed (Jackson), so
     * neither the whole body nor a tree of the whole page is ever in memory. (client-java's generated models read a
     * list as one Gson tree and then copy it into objects: a 30,000-pod page in one answer — which an apiserver
     * serving from its watch cache gives — needed over 256 MiB of heap and kept a pool replica collecting garbage.)
     */
    @Override
    public L list(CallGeneratorParams params) throws ApiException {
        List<T> items = new ArrayList<>();
        String token = null;
        String resourceVersion = null;
        do {
            // the apiserver refuses a resourceVersion together with a continue token
            Call call = pageCall(token == null ? params.resourceVersion : null, token, params.timeoutSeconds);
            PageMeta meta = readPage(call, items);
            resourceVersion = meta.resourceVersion();
            token = meta.continueToken();
        } while (token != null && !token.isEmpty());
        return combine(items, new V1ListMeta().resourceVersion(resourceVersion));
    }

    private record PageMeta(String resourceVersion, String continueToken) {
    }

    private PageMeta readPage(Call call, List<T> items) throws ApiException {
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw new ApiException(response.message(), response.code(), response.headers().toMultimap(),
                        body == null ? null : body.string());
            }
            if (body == null) {
                throw new ApiException("empty list answer", response.code(), response.headers().toMultimap(), null);
            }
            String resourceVersion = null;
            String continueToken = null;
            try (JsonParser parser = JSON.createParser(body.byteStream())) {
                expect(parser.nextToken(), JsonToken.START_OBJECT);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
                        JsonNode meta = JSON.readTree(parser);
                        resourceVersion = text(meta, "resourceVersion");
                        continueToken = text(meta, "continue");
                    } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            items.add(slimFromJson(JSON.readTree(parser))); // one object's tree at a time
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            }
            return new PageMeta(resourceVersion, continueToken);
        } catch (IOException e) {
            throw new ApiException(e);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("list answer: expected " + expected + ", got " + actual);
        }
    }

    /** The cut-down object ({@link #slimPod}/{@link #slimNode} shape) straight from one item's JSON. */
    abstract T slimFromJson(JsonNode item);

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    static Map<String, Quantity> quantities(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, Quantity> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), new Quantity(e.getValue().asText())));
        return map;
    }

    static V1ObjectMeta slimMeta(JsonNode meta, boolean namespaced) {
        V1ObjectMeta slim = new V1ObjectMeta().name(text(meta, "name")).uid(text(meta, "uid"))
                .labels(stringMap(meta.get("labels"))).resourceVersion(text(meta, "resourceVersion"))
                .annotations(null).managedFields(null).ownerReferences(null).finalizers(null);
        return namespaced ? slim.namespace(text(meta, "namespace")) : slim;
    }

    static V1Pod slimPodFromJson(JsonNode pod) {
        V1Pod slim = new V1Pod();
        JsonNode meta = pod.get("metadata");
        if (meta != null && meta.isObject()) {
            slim.setMetadata(slimMeta(meta, true));
        }
        String nodeName = text(pod.get("spec"), "nodeName");
        if (nodeName != null) {
            slim.setSpec(new V1PodSpec().nodeName(nodeName).containers(null).initContainers(null)
                    .ephemeralContainers(null).volumes(null).tolerations(null).imagePullSecrets(null)
                    .hostAliases(null).readinessGates(null).resourceClaims(null).schedulingGates(null)
                    .topologySpreadConstraints(null).nodeSelector(null).overhead(null));
        }
        JsonNode status = pod.get("status");
        if (status != null && status.isObject()) {
            slim.setStatus(new V1PodStatus().phase(text(status, "phase")).conditions(null).containerStatuses(null)
                    .initContainerStatuses(null).ephemeralContainerStatuses(null).podIPs(null).hostIPs(null)
                    .resourceClaimStatuses(null));
        }
        return slim;
    }

    static V1Node slimNodeFromJson(JsonNode node) {
        V1Node slim = new V1Node();
        JsonNode meta = node.get("metadata");
        if (meta != null && meta.isObject()) {
            slim.setMetadata(slimMeta(meta, false));
        }
        JsonNode status = node.get("status");
        if (status != null && status.isObject()) {
            List<V1NodeAddress> addresses = null;
            JsonNode list = status.get("addresses");
            if (list != null && list.isArray()) {
                addresses = new ArrayList<>();
                for (JsonNode address : list) {
                    addresses.add(new V1NodeAddress().type(text(address, "type")).address(text(address, "address")));
                }
            }
            V1NodeDaemonEndpoints endpoints = null;
            JsonNode kubelet = status.path("daemonEndpoints").path("kubeletEndpoint");
            if (kubelet.isObject()) {
                JsonNode port = kubelet.get("Port");
                endpoints = new V1NodeDaemonEndpoints().kubeletEndpoint(new V1DaemonEndpoint()
                        .port(port == null || port.isNull() ? null : port.asInt()));
            }
            slim.setStatus(new V1NodeStatus().addresses(addresses).daemonEndpoints(endpoints)
                    .capacity(quantities(status.get("capacity"))).allocatable(quantities(status.get("allocatable")))
                    .conditions(null).images(null).volumesAttached(null).volumesInUse(null).runtimeHandlers(null));
        }
        return slim;
    }

    @Override
    public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
        // bookmarks are asked for (a reconnect resumes from them instead of a 410 and a relist) and understood
        return BookmarkTolerantWatch.create(client, watchCall(params),
                TypeToken.getParameterized(Watch.Response.class, type).getType(), bookmarkCarrier);
    }

    /**
     * The informer's transform. The informer runs it on the listed objects too, which {@link #list} already cut
     * down: those are returned as they are (a second copy of every object would be kept otherwise).
     */
    public KubernetesObject transform(KubernetesObject object) {
        return type.isInstance(object) && !isSlim(object) ? slim.apply(type.cast(object)) : object;
    }

    /** A pod without containers or a node without conditions: only our cut-down copies look like that. */
    static boolean isSlim(KubernetesObject object) {
        if (object instanceof V1Pod pod) {
            return pod.getSpec() == null || pod.getSpec().getContainers() == null;
        }
        if (object instanceof V1Node node) {
            return node.getStatus() == null || node.getStatus().getConditions() == null;
        }
        return false;
    }

    /** Namespace, name, uid, labels, resourceVersion, {@code spec.nodeName}, {@code status.phase}. */
    public static V1Pod slimPod(V1Pod pod) {
        V1ObjectMeta meta = pod.getMetadata();
        V1Pod slim = new V1Pod();
        if (meta != null) {
            slim.setMetadata(new V1ObjectMeta().namespace(meta.getNamespace()).name(meta.getName())
                    .uid(meta.getUid()).labels(meta.getLabels()).resourceVersion(meta.getResourceVersion())
                    .annotations(null).managedFields(null).ownerReferences(null).finalizers(null));
        }
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            slim.setSpec(new V1PodSpec().nodeName(pod.getSpec().getNodeName()).containers(null)
                    .initContainers(null).ephemeralContainers(null).volumes(null).tolerations(null)
                    .imagePullSecrets(null).hostAliases(null).readinessGates(null).resourceClaims(null)
                    .schedulingGates(null).topologySpreadConstraints(null).nodeSelector(null).overhead(null));
        }
        if (pod.getStatus() != null) {
            slim.setStatus(new V1PodStatus().phase(pod.getStatus().getPhase()).conditions(null)
                    .containerStatuses(null).initContainerStatuses(null).ephemeralContainerStatuses(null)
                    .podIPs(null).hostIPs(null).resourceClaimStatuses(null));
        }
        return slim;
    }

    /** Name, uid, labels, resourceVersion; addresses, daemon endpoints, capacity, allocatable (no images). */
    public static V1Node slimNode(V1Node node) {
        V1ObjectMeta meta = node.getMetadata();
        V1Node slim = new V1Node();
        if (meta != null) {
            slim.setMetadata(new V1ObjectMeta().name(meta.getName()).uid(meta.getUid()).labels(meta.getLabels())
                    .resourceVersion(meta.getResourceVersion()).annotations(null).managedFields(null)
                    .ownerReferences(null).finalizers(null));
        }
        V1NodeStatus status = node.getStatus();
        if (status != null) {
            slim.setStatus(new V1NodeStatus().addresses(status.getAddresses())
                    .daemonEndpoints(status.getDaemonEndpoints()).capacity(status.getCapacity())
                    .allocatable(status.getAllocatable()).conditions(null).images(null).volumesAttached(null)
                    .volumesInUse(null).runtimeHandlers(null));
        }
        return slim;
    }
}
