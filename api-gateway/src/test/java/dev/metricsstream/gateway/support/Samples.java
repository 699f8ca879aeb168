package dev.metricsstream.gateway.support;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
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
