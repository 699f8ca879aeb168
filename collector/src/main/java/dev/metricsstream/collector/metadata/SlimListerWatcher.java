package dev.metricsstream.collector.metadata;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Node;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import okhttp3.Call;

/**
 * List + watch for cluster-wide informers that keeps memory small at scale:
 * <ul>
 * <li>the list is read in pages ({@code limit}/{@code continue}, {@value #PAGE} objects each; an apiserver serving
 *     from its watch cache may answer in one page) and each page is cut down ({@link #slimPod}/{@link #slimNode})
 *     before the next is read, so only one page of full objects is ever in memory;</li>
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
            V1PodList page(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException {
                return api.listPodForAllNamespaces().fieldSelector(fieldSelector).resourceVersion(resourceVersion)
                        ._continue(token).limit(PAGE).timeoutSeconds(timeoutSeconds).execute();
            }

            @Override
            Call watchCall(CallGeneratorParams params) throws ApiException {
                return api.listPodForAllNamespaces().fieldSelector(fieldSelector)
                        .resourceVersion(params.resourceVersion).watch(true).timeoutSeconds(params.timeoutSeconds)
                        .allowWatchBookmarks(true).buildCall(null);
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
            V1NodeList page(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException {
                return api.listNode().resourceVersion(resourceVersion)._continue(token).limit(PAGE)
                        .timeoutSeconds(timeoutSeconds).execute();
            }

            @Override
            Call watchCall(CallGeneratorParams params) throws ApiException {
                return api.listNode().resourceVersion(params.resourceVersion).watch(true)
                        .timeoutSeconds(params.timeoutSeconds).allowWatchBookmarks(true).buildCall(null);
            }

            @Override
            V1NodeList combine(List<V1Node> items, V1ListMeta meta) {
                return new V1NodeList().apiVersion("v1").kind("NodeList").metadata(meta).items(items);
            }
        };
    }

    abstract L page(String resourceVersion, String token, Integer timeoutSeconds) throws ApiException;

    abstract Call watchCall(CallGeneratorParams params) throws ApiException;

    abstract L combine(List<T> items, V1ListMeta meta);

    @Override
    @SuppressWarnings("unchecked")
    public L list(CallGeneratorParams params) throws ApiException {
        List<T> items = new ArrayList<>();
        String token = null;
        V1ListMeta meta;
        do {
            // the apiserver refuses a resourceVersion together with a continue token
            L page = page(token == null ? params.resourceVersion : null, token, params.timeoutSeconds);
            for (Object item : page.getItems()) {
                items.add(slim.apply((T) item));
            }
            meta = page.getMetadata();
            token = meta == null ? null : meta.getContinue();
        } while (token != null && !token.isEmpty());
        return combine(items, new V1ListMeta().resourceVersion(meta == null ? null : meta.getResourceVersion()));
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
