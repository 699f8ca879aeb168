package dev.metricsstream.collector.metadata;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod metadata for many nodes at once (pool mode, or a static list with an apiserver): ONE cluster-wide pod
 * informer. A field selector cannot name a set of nodes ({@code spec.nodeName in (...)} does not exist), and one
 * informer per node would be one watch per node, so the whole cluster is watched and looked up by an index on
 * {@code spec.nodeName}. To keep that cheap, every pod is cut down on arrival ({@link SlimListerWatcher}: paged
 * list, informer transform) to what the records need: namespace, name, uid, labels, resourceVersion,
 * {@code spec.nodeName} and {@code status.phase} — no managedFields, annotations, containers or conditions. Node
 * labels and capacity come from {@code nodeInfo} (the node informer in pool mode), or stay null.
 */
public final class ClusterPodMetadataSource implements MetadataSource {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPodMetadataSource.class);
    static final String BY_NODE = "spec.nodeName";

    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Pod> pods;
    private final Function<String, NodeInfo> nodeInfo;

    /**
     * @param client an ApiClient whose read timeout is 0 (watches stay open for minutes)
     * @param nodeInfo labels/capacity of a node by name (null when unknown)
     */
    public ClusterPodMetadataSource(ApiClient client, Function<String, NodeInfo> nodeInfo) {
        this.nodeInfo = nodeInfo;
        SlimListerWatcher<V1Pod, V1PodList> listerWatcher = SlimListerWatcher.pods(client);
        this.factory = new SharedInformerFactory(client);
        this.pods = factory.sharedIndexInformerFor(listerWatcher, V1Pod.class, 0L,
                (type, error) -> LOG.atWarn().addKeyValue("source", "apiserver")
                        .addKeyValue("reason", "watch_error").log("pod list/watch failed: {}", error.toString()));
        pods.setTransform(listerWatcher::transform);
        pods.addIndexers(Map.of(BY_NODE, pod -> {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            return node == null ? List.of() : List.of(node);
        }));
        factory.startAllRegisteredInformers();
    }

    /** The parts of a pod the collector uses; everything else is dropped before it reaches the cache. */
    public static KubernetesObject slim(KubernetesObject object) {
        return object instanceof V1Pod pod ? SlimListerWatcher.slimPod(pod) : object;
    }

    @Override
    public String name() {
        return "apiserver";
    }

    public boolean hasSynced() {
        return pods.hasSynced();
    }

    /** Pods held in the cache (all nodes). */
    public int cachedPods() {
        return pods.getIndexer().list().size();
    }

    @Override
    public NodeMetadata metadataFor(ScrapeTarget target) throws ScrapeException {
        if (!pods.hasSynced()) {
            throw new ScrapeException("metadata_not_synced", "the cluster pod list has not arrived yet");
        }
        return NodeMetadata.of(pods.getIndexer().byIndex(BY_NODE, target.nodeName()),
                nodeInfo.apply(target.nodeName()));
    }

    @Override
    public void close() {
        factory.stopAllRegisteredInformers(true);
    }
}
