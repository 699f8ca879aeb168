package dev.metricsstream.testkit.kafka;

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

/** One realistic record of each type for the broker round trips. */
final class KafkaRecords {

    private KafkaRecords() {
    }

    static NodeScrape fullScrape() {
        return NodeScrape.newBuilder()
                .setNodeName("node-a")
                .setScrapeTimeMillis(1_763_700_000_123L)
                .setSource(ScrapeSource.STATS_SUMMARY)
                .setNode(NodeSample.newBuilder()
                        .setCumulativeCpuNanos(98_765_432_100_000L)
                        .setCpuTimestampMillis(1_763_699_999_001L)
                        .setMemoryWorkingSetBytes(3_221_225_472L)
                        .setMemoryTimestampMillis(1_763_699_999_002L)
                        .setNetworkRxBytes(123_456_789L)
                        .build())
                .setPods(List.of(PodSample.newBuilder()
                        .setNamespace("kube-system")
                        .setName("coredns-7db6d8ff4d-x2k9q")
                        .setUid("6f1e1c4e-2a43-4b8a-9f0e-1b2c3d4e5f60")
                        .setPhase("Running")
                        .setLabels(Map.of("k8s-app", "kube-dns"))
                        .setContainers(List.of(
                                ContainerSample.newBuilder()
                                        .setName("coredns")
                                        .setStartTimeMillis(1_763_600_000_000L)
                                        .setCumulativeCpuNanos(5_000_000_000L)
                                        .setCpuTimestampMillis(1_763_699_998_000L)
                                        .setMemoryWorkingSetBytes(21_000_000L)
                                        .setMemoryTimestampMillis(1_763_699_998_500L)
                                        .build(),
                                ContainerSample.newBuilder().setName("init").build()))
                        .build()))
                .setNodeInfo(NodeInfo.newBuilder()
                        .setLabels(Map.of("kubernetes.io/hostname", "node-a"))
                        .setAllocatableCpuMillicores(3_800L)
                        .build())
                .build();
    }

    static NodeMetrics nodeMetrics() {
        return NodeMetrics.newBuilder()
                .setNodeName("node-a")
                .setLabels(Map.of("kubernetes.io/os", "linux"))
                .setTimestampMillis(1_763_699_999_001L)
                .setWindowNanos(20_064_000_000L)
                .setCpuNanocores(487_558_164L)
                .setMemoryWorkingSetBytes(749_785_088L)
                .build();
    }

    static PodMetrics podMetrics() {
        return PodMetrics.newBuilder()
                .setNamespace("kube-system")
                .setName("coredns-7db6d8ff4d-x2k9q")
                .setNodeName("node-a")
                .setTimestampMillis(1_763_699_998_000L)
                .setWindowNanos(15_000_000_000L)
                .setContainers(List.of(ContainerMetrics.newBuilder().setName("coredns").setCpuNanocores(2_345_678L)
                        .setMemoryWorkingSetBytes(21_000_000L).build()))
                .build();
    }

    static MetricsWindow podWindow() {
        return MetricsWindow.newBuilder()
                .setEntityKind(EntityKind.POD)
                .setEntity("kube-system/coredns-7db6d8ff4d-x2k9q")
                .setNodeName("node-a")
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
}
