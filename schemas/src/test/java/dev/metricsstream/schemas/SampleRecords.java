package dev.metricsstream.schemas;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.List;
import java.util.Map;

/** Records filled the way the collector and aggregator fill them, with and without the optional parts. */
public final class SampleRecords {

    private SampleRecords() {
    }

    /** A /stats/summary scrape: every optional field set, two pods, one with two containers and labels. */
    public static NodeScrape fullScrape() {
        return NodeScrape.newBuilder()
                .setNodeName("node-a")
                .setScrapeTimeMillis(1_763_700_000_123L)
                .setSource(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY)
                .setNode(NodeSample.newBuilder()
                        .setStartTimeMillis(1_763_000_000_000L)
                        .setCumulativeCpuNanos(98_765_432_100_000L)
                        .setCpuTimestampMillis(1_763_699_999_001L)
                        .setMemoryWorkingSetBytes(3_221_225_472L)
                        .setMemoryTimestampMillis(1_763_699_999_002L)
                        .setMemoryRssBytes(2_000_000_000L)
                        .setMemoryUsageBytes(4_000_000_000L)
                        .setMemoryAvailableBytes(12_000_000_000L)
                        .setNetworkRxBytes(123_456_789L)
                        .setNetworkTxBytes(987_654_321L)
                        .setFsUsedBytes(20_000_000_000L)
                        .setFsCapacityBytes(100_000_000_000L)
                        .setSwapUsageBytes(0L)
                        .build())
                .setPods(List.of(
                        PodSample.newBuilder()
                                .setNamespace("kube-system")
                                .setName("coredns-7db6d8ff4d-x2k9q")
                                .setUid("6f1e1c4e-2a43-4b8a-9f0e-1b2c3d4e5f60")
                                .setPhase("Running")
                                .setLabels(Map.of("k8s-app", "kube-dns", "pod-template-hash", "7db6d8ff4d"))
                                .setContainers(List.of(
                                        container("coredns", 5_000_000_000L, 21_000_000L),
                                        ContainerSample.newBuilder().setName("sidecar").build()))
                                .setNetworkRxBytes(1_000L)
                                .setNetworkTxBytes(2_000L)
                                .build(),
                        PodSample.newBuilder()
                                .setNamespace("default")
                                .setName("init-done")
                                .setPhase("Succeeded")
                                .setContainers(List.of())
                                .build()))
                .setNodeInfo(NodeInfo.newBuilder()
                        .setLabels(Map.of("kubernetes.io/hostname", "node-a", "topology.kubernetes.io/zone", "z1"))
                        .setCapacityCpuMillicores(4_000L)
                        .setCapacityMemoryBytes(16_000_000_000L)
                        .setAllocatableCpuMillicores(3_800L)
                        .setAllocatableMemoryBytes(15_000_000_000L)
                        .build())
                .build();
    }

    /** A /metrics/resource scrape of an empty node: every optional field null, no pods, no node metadata. */
    public static NodeScrape minimalScrape() {
        return NodeScrape.newBuilder()
                .setNodeName("node-b")
                .setScrapeTimeMillis(1L)
                .setSource(ScrapeSource.METRICS_RESOURCE)
                .setNode(NodeSample.newBuilder().build())
                .build();
    }

    static ContainerSample container(String name, long cumulativeCpuNanos, long workingSetBytes) {
        return ContainerSample.newBuilder()
                .setName(name)
                .setStartTimeMillis(1_763_600_000_000L)
                .setCumulativeCpuNanos(cumulativeCpuNanos)
                .setCpuTimestampMillis(1_763_699_998_000L)
                .setMemoryWorkingSetBytes(workingSetBytes)
                .setMemoryTimestampMillis(1_763_699_998_500L)
                .setMemoryRssBytes(19_000_000L)
                .setMemoryUsageBytes(25_000_000L)
                .setMemoryAvailableBytes(150_000_000L)
                .setFsUsedBytes(4_096L)
                .setFsCapacityBytes(1_000_000L)
                .setSwapUsageBytes(0L)
                .build();
    }

    public static NodeMetrics nodeMetrics() {
        return NodeMetrics.newBuilder()
                .setNodeName("node-a")
                .setLabels(Map.of("kubernetes.io/os", "linux"))
                .setTimestampMillis(1_763_699_999_001L)
                .setWindowNanos(20_064_000_000L)
                .setCpuNanocores(487_558_164L)
                .setMemoryWorkingSetBytes(749_785_088L)
                .build();
    }

    public static PodMetrics podMetrics() {
        return PodMetrics.newBuilder()
                .setNamespace("kube-system")
                .setName("coredns-7db6d8ff4d-x2k9q")
                .setNodeName("node-a")
                .setLabels(Map.of("k8s-app", "kube-dns"))
                .setTimestampMillis(1_763_699_998_000L)
                .setWindowNanos(15_000_000_000L)
                .setContainers(List.of(
                        ContainerMetrics.newBuilder().setName("coredns").setCpuNanocores(2_345_678L)
                                .setMemoryWorkingSetBytes(21_000_000L).build(),
                        ContainerMetrics.newBuilder().setName("sidecar").setCpuNanocores(0L)
                                .setMemoryWorkingSetBytes(1L).build()))
                .build();
    }

    public static MetricsWindow podWindow() {
        return MetricsWindow.newBuilder()
                .setEntityKind(EntityKind.POD)
                .setEntity("kube-system/coredns-7db6d8ff4d-x2k9q")
                .setNodeName("node-a")
                .setLabels(Map.of("k8s-app", "kube-dns"))
                .setWindowSizeMillis(60_000L)
                .setWindowStartMillis(1_763_699_940_000L)
                .setWindowEndMillis(1_763_700_000_000L)
                .setCount(4L)
                .setCpuCoresAvg(0.0125)
                .setCpuCoresMin(0.01)
                .setCpuCoresMax(0.02)
                .setCpuCoresP50(0.012)
                .setCpuCoresP95(0.019)
                .setCpuCoresP99(0.02)
                .setMemoryBytesAvg(2.1e7)
                .setMemoryBytesMin(20_000_000L)
                .setMemoryBytesMax(22_000_000L)
                .setMemoryBytesP50(21_000_000L)
                .setMemoryBytesP95(22_000_000L)
                .setMemoryBytesP99(22_000_000L)
                .build();
    }

    /** A node window: no node name, no labels (the defaults). */
    public static MetricsWindow nodeWindow() {
        return MetricsWindow.newBuilder(podWindow())
                .setEntityKind(EntityKind.NODE)
                .setEntity("node-a")
                .clearNodeName()
                .setLabels(Map.of())
                .build();
    }
}
