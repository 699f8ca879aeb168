package dev.metricsstream.collector.metadata;

import dev.metricsstream.avro.NodeInfo;
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
}
