package dev.metricsstream.collector.metadata;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod and node metadata from the apiserver with client-java: an informer (list + watch, relist on 410 Gone) on the
 * pods of this node only ({@code fieldSelector=spec.nodeName=<node>}) — no cluster-wide pod informer; pods cut
 * down and bookmarks understood by {@link SlimListerWatcher} — and a
 * periodic GET of the own Node for its labels, capacity and allocatable.
 */
public final class ApiServerMetadataSource implements MetadataSource {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerMetadataSource.class);

    private final String nodeName;
    private final CoreV1Api api;
    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Pod> pods;
    private final ScheduledExecutorService nodeRefresher;
    private final Map<String, NodeInfo> nodeInfo = new ConcurrentHashMap<>();

    /**
     * @param client an ApiClient whose read timeout is 0 (watches stay open for minutes)
     */
    public ApiServerMetadataSource(ApiClient client, String nodeName, Duration nodeRefresh) {
        this.nodeName = nodeName;
        this.api = new CoreV1Api(client);
        this.factory = new SharedInformerFactory(client);
        SlimListerWatcher<V1Pod, V1PodList> listerWatcher = SlimListerWatcher.pods(client,
                "spec.nodeName=" + nodeName);
        this.pods = factory.sharedIndexInformerFor(listerWatcher, V1Pod.class, 0L,
                (type, error) -> LOG.atWarn().addKeyValue("node", nodeName).addKeyValue("source", "apiserver")
                        .addKeyValue("reason", "watch_error").log("pod list/watch failed: {}", error.toString()));
        pods.setTransform(listerWatcher::transform);
        this.nodeRefresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "node-metadata");
            thread.setDaemon(true);
            return thread;
        });
        factory.startAllRegisteredInformers();
        nodeRefresher.scheduleWithFixedDelay(this::refreshNode, 0, nodeRefresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return "apiserver";
    }

    /** True once the first pod list arrived. */
    public boolean hasSynced() {
        return pods.hasSynced();
    }

    @Override
    public NodeMetadata metadataFor(ScrapeTarget target) throws ScrapeException {
        if (!pods.hasSynced()) {
            throw new ScrapeException("metadata_not_synced", "the pod list of " + nodeName + " has not arrived yet");
        }
        return NodeMetadata.of(pods.getIndexer().list(), nodeInfo.get(nodeName));
    }

    private void refreshNode() {
        try {
            V1Node node = api.readNode(nodeName).execute();
            nodeInfo.put(nodeName, toNodeInfo(node));
        } catch (ApiException e) {
            LOG.atWarn().addKeyValue("node", nodeName).addKeyValue("source", "apiserver")
                    .addKeyValue("reason", "http_" + e.getCode()).log("cannot read own Node: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("node", nodeName).addKeyValue("source", "apiserver")
                    .addKeyValue("reason", "unexpected_error").log("cannot read own Node: {}", e.toString());
        }
    }

    /** Labels, and capacity/allocatable as millicores and bytes (parsed with client-java's {@link Quantity}). */
    public static NodeInfo toNodeInfo(V1Node node) {
        NodeInfo info = new NodeInfo();
        Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
        info.setLabels(labels == null ? new HashMap<>() : new HashMap<>(labels));
        if (node.getStatus() != null) {
            Map<String, Quantity> capacity = node.getStatus().getCapacity();
            Map<String, Quantity> allocatable = node.getStatus().getAllocatable();
            info.setCapacityCpuMillicores(millicores(capacity));
            info.setCapacityMemoryBytes(bytes(capacity));
            info.setAllocatableCpuMillicores(millicores(allocatable));
            info.setAllocatableMemoryBytes(bytes(allocatable));
        }
        return info;
    }

    private static Long millicores(Map<String, Quantity> resources) {
        Quantity cpu = resources == null ? null : resources.get("cpu");
        return cpu == null ? null : cpu.getNumber().multiply(BigDecimal.valueOf(1000)).longValue();
    }

    private static Long bytes(Map<String, Quantity> resources) {
        Quantity memory = resources == null ? null : resources.get("memory");
        return memory == null ? null : memory.getNumber().longValue();
    }

    @Override
    public void close() {
        nodeRefresher.shutdownNow();
        factory.stopAllRegisteredInformers(true);
    }
}
