package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.NetworkRate;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.PodState;
import dev.metricsstream.aggregator.state.SummaryState;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.ContainerUsage;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.avro.UsageSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node-batched view of one node after a scrape: the node's live usage (what node-metrics holds for it) and every
 * pod of it that is live on pod-metrics, with exactly the values of its latest PodMetrics record, sorted by
 * namespace then name. Each pod and the node carry their {@code /stats/summary} values ({@link SummaryUsage}) when
 * the newest scrape had any.
 */
public final class NodeUsages {

    private static final Comparator<PodMetrics> BY_NAMESPACE_THEN_NAME = Comparator
            .comparing((PodMetrics p) -> p.getNamespace().toString())
            .thenComparing(p -> p.getName().toString());

    private NodeUsages() {
    }

    public static NodeUsage of(String nodeName, NodeInfo info, long scrapeResolutionMillis, NodeState state) {
        List<PodMetrics> live = new ArrayList<>(state.pods().size());
        for (PodState pod : state.pods().values()) {
            if (pod.emitted() && pod.lastEmitted() != null) {
                live.add(pod.lastEmitted());
            }
        }
        live.sort(BY_NAMESPACE_THEN_NAME);
        List<PodUsage> pods = new ArrayList<>(live.size());
        for (PodMetrics pod : live) {
            List<ContainerUsage> containers = new ArrayList<>(pod.getContainers().size());
            for (ContainerMetrics container : pod.getContainers()) {
                containers.add(new ContainerUsage(container.getName(), container.getCpuNanocores(),
                        container.getMemoryWorkingSetBytes()));
            }
            pods.add(new PodUsage(pod.getNamespace(), pod.getName(), pod.getLabels(), pod.getTimestampMillis(),
                    pod.getWindowNanos(), containers,
                    summary(state.summary().get(pod.getNamespace() + "/" + pod.getName()))));
        }
        Usage node = state.nodeEmitted() ? state.nodeUsage() : null;
        Map<String, String> labels = info == null ? Map.of() : new TreeMap<>(info.getLabels());
        return NodeUsage.newBuilder()
                .setNodeName(nodeName)
                .setLabels(labels)
                .setScrapeResolutionMillis(scrapeResolutionMillis)
                .setNode(node == null ? null : new UsageSample(node.timestampMillis(), node.windowNanos(),
                        node.cpuNanocores(), node.memoryWorkingSetBytes()))
                .setCapacityCpuMillicores(info == null ? null : info.getCapacityCpuMillicores())
                .setCapacityMemoryBytes(info == null ? null : info.getCapacityMemoryBytes())
                .setAllocatableCpuMillicores(info == null ? null : info.getAllocatableCpuMillicores())
                .setAllocatableMemoryBytes(info == null ? null : info.getAllocatableMemoryBytes())
                .setPods(pods)
                .setNodeSummary(summary(state.summary().get(nodeName)))
                .build();
    }

    /** The values the newest scrape gave, or null when it gave none: absent, never zero. */
    static SummaryUsage summary(SummaryState state) {
        if (state == null) {
            return null;
        }
        NetworkRate rate = state.networkRate().orElse(null);
        if (rate == null && state.memoryRssBytes() == null && state.ephemeralStorageUsedBytes() == null) {
            return null;
        }
        return SummaryUsage.newBuilder()
                .setNetworkTimestampMillis(rate == null ? null : rate.timestampMillis())
                .setNetworkWindowNanos(rate == null ? null : rate.windowNanos())
                .setNetworkReceiveBytesPerSecond(rate == null ? null : rate.receiveBytesPerSecond())
                .setNetworkTransmitBytesPerSecond(rate == null ? null : rate.transmitBytesPerSecond())
                .setMemoryRssBytes(state.memoryRssBytes())
                .setEphemeralStorageUsedBytes(state.ephemeralStorageUsedBytes())
                .build();
    }
}
