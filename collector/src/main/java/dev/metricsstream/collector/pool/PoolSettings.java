package dev.metricsstream.collector.pool;

import java.nio.file.Path;

/**
 * Which kubelets this collector scrapes and which share of them is its own.
 *
 * @param mode {@code TARGET_SOURCE}: the own node, a static list or every Node of the cluster
 * @param shard this replica's ordinal and the replica count ({@code POOL_ORDINAL}, {@code POOL_REPLICAS})
 * @param addresses how a Node's kubelet URL is chosen in {@link TargetMode#CLUSTER} mode
 * @param targetsFile {@code KUBELET_TARGETS_FILE}, or null
 */
public record PoolSettings(TargetMode mode, Shard shard, NodeAddresses addresses, Path targetsFile) {
    /** Where targets come from ({@code TARGET_SOURCE}). */
    public enum TargetMode {
        /** DaemonSet: {@code NODE_NAME} at {@code KUBELET_URL} or {@code https://$NODE_IP:10250}. */
        OWN_NODE,
        /** {@code KUBELET_TARGETS} or {@code KUBELET_TARGETS_FILE}. */
        STATIC,
        /** Every Node from an apiserver informer (pool mode). */
        CLUSTER
    }

    public static PoolSettings ownNode() {
        return new PoolSettings(TargetMode.OWN_NODE, Shard.ALL, NodeAddresses.defaults(), null);
    }
}
