package dev.metricsstream.gateway.support;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.ContainerUsage;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.avro.UsageSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for the aggregator's output records, as the gateway reads them from Kafka. */
public final class Samples {
    public static final long WINDOW_NANOS = 15_012_000_000L;

    private Samples() {
    }

    public static NodeMetrics node(String name, long timestampMillis, long cpuNanocores, long memoryBytes) {
        return NodeMetrics.newBuilder().setNodeName(name).setLabels(Map.of("kubernetes.io/hostname", name))
                .setTimestampMillis(timestampMillis).setWindowNanos(WINDOW_NANOS).setCpuNanocores(cpuNanocores)
                .setMemoryWorkingSetBytes(memoryBytes).build();
    }

    public static PodMetrics pod(String namespace, String name, String node, Map<String, String> labels,
            long timestampMillis, ContainerMetrics... containers) {
        return PodMetrics.newBuilder().setNamespace(namespace).setName(name).setNodeName(node).setLabels(labels)
                .setTimestampMillis(timestampMillis).setWindowNanos(WINDOW_NANOS).setContainers(List.of(containers))
                .build();
    }

    public static ContainerMetrics container(String name, long cpuNanocores, long memoryBytes) {
        return new ContainerMetrics(name, cpuNanocores, memoryBytes);
    }

    /**
     * A node-usage record as the aggregator writes it: the node's sample (null: no rate yet) and the given pods
     * (their nodeName is the node), with the node's labels and the scrape resolution.
     */
    public static NodeUsage nodeUsage(String node, NodeMetrics sample, long scrapeResolutionMillis, PodMetrics... pods) {
        List<PodUsage> podUsages = new ArrayList<>();
        for (PodMetrics pod : pods) {
            List<ContainerUsage> containers = new ArrayList<>();
            for (ContainerMetrics c : pod.getContainers()) {
                containers.add(new ContainerUsage(c.getName(), c.getCpuNanocores(), c.getMemoryWorkingSetBytes()));
            }
            podUsages.add(PodUsage.newBuilder().setNamespace(pod.getNamespace()).setName(pod.getName())
                    .setLabels(pod.getLabels()).setTimestampMillis(pod.getTimestampMillis())
                    .setWindowNanos(pod.getWindowNanos()).setContainers(containers).build());
        }
        return NodeUsage.newBuilder().setNodeName(node).setLabels(Map.of("kubernetes.io/hostname", node))
                .setScrapeResolutionMillis(scrapeResolutionMillis)
                .setNode(sample == null ? null : new UsageSample(sample.getTimestampMillis(), sample.getWindowNanos(),
                        sample.getCpuNanocores(), sample.getMemoryWorkingSetBytes()))
                .setPods(podUsages).build();
    }

    /** {@link #nodeUsage} with a node sample at {@code timestampMillis} and no resolution carried. */
    public static NodeUsage nodeUsage(String node, long timestampMillis, PodMetrics... pods) {
        return nodeUsage(node, node(node, timestampMillis, 1_000_000_000L, 4L << 30), 0, pods);
    }

    public static MetricsWindow podWindow(String namespace, String name, String node, long sizeMillis, long endMillis) {
        return MetricsWindow.newBuilder().setEntityKind(EntityKind.POD).setEntity(namespace + "/" + name)
                .setNodeName(node).setWindowSizeMillis(sizeMillis).setWindowStartMillis(endMillis - sizeMillis)
                .setWindowEndMillis(endMillis).setCount(4).setCpuCoresAvg(0.25).setCpuCoresMin(0.1)
                .setCpuCoresMax(0.5).setCpuCoresP50(0.2).setCpuCoresP95(0.45).setCpuCoresP99(0.5)
                .setMemoryBytesAvg(1.5e8).setMemoryBytesMin(100_000_000L).setMemoryBytesMax(200_000_000L)
                .setMemoryBytesP50(150_000_000L).setMemoryBytesP95(190_000_000L).setMemoryBytesP99(200_000_000L)
                .build();
    }

    public static MetricsWindow nodeWindow(String node, long sizeMillis, long endMillis) {
        MetricsWindow window = podWindow("", node, null, sizeMillis, endMillis);
        window.setEntityKind(EntityKind.NODE);
        window.setEntity(node);
        return window;
    }
}
