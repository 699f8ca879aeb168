package dev.metricsstream.collector.metadata;

import dev.metricsstream.avro.NodeInfo;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.HashMap;
import java.util.Map;

/**
 * The metadata known for one node at one instant: its pods by {@code namespace/name}, and the node's labels and
 * capacity ({@code nodeInfo}, null when the source does not know them, e.g. the kubelet's {@code /pods}).
 */
public record NodeMetadata(Map<String, PodMetadata> pods, NodeInfo nodeInfo) {
    public static final NodeMetadata NONE = new NodeMetadata(Map.of(), null);

    public NodeMetadata {
        pods = Map.copyOf(pods);
    }

    public static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The node's pods as an informer holds them (pods without a namespace or name are passed over). */
    public static NodeMetadata of(Iterable<V1Pod> pods, NodeInfo nodeInfo) {
        Map<String, PodMetadata> known = new HashMap<>();
        for (V1Pod pod : pods) {
            V1ObjectMeta meta = pod.getMetadata();
            if (meta == null || meta.getNamespace() == null || meta.getName() == null) {
                continue;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            known.put(key(meta.getNamespace(), meta.getName()),
                    new PodMetadata(meta.getUid(), phase, meta.getLabels()));
        }
        return new NodeMetadata(known, nodeInfo);
    }
}
