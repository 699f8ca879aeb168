package dev.metricsstream.aggregator;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds NodeScrapes for tests, in the units of the schema. */
public final class Scrapes {

    public static final long CORE_SECOND = 1_000_000_000L;
    public static final long MIB = 1L << 20;

    private Scrapes() {
    }

    public static ContainerSample container(String name, long startMillis, long timestampMillis, long cpuNanos,
                                            long memoryBytes) {
        return ContainerSample.newBuilder().setName(name).setStartTimeMillis(startMillis)
                .setCumulativeCpuNanos(cpuNanos).setCpuTimestampMillis(timestampMillis)
                .setMemoryWorkingSetBytes(memoryBytes).setMemoryTimestampMillis(timestampMillis).build();
    }

    public static PodSample pod(String namespace, String name, String phase, ContainerSample... containers) {
        return PodSample.newBuilder().setNamespace(namespace).setName(name).setPhase(phase)
                .setLabels(Map.of("app", name)).setContainers(List.of(containers)).build();
    }

    public static NodeSample node(long startMillis, long timestampMillis, long cpuNanos, long memoryBytes) {
        return NodeSample.newBuilder().setStartTimeMillis(startMillis).setCumulativeCpuNanos(cpuNanos)
                .setCpuTimestampMillis(timestampMillis).setMemoryWorkingSetBytes(memoryBytes)
                .setMemoryTimestampMillis(timestampMillis).build();
    }

    public static NodeScrape scrape(String nodeName, long scrapeTimeMillis, NodeSample node, PodSample... pods) {
        return NodeScrape.newBuilder().setNodeName(nodeName).setScrapeTimeMillis(scrapeTimeMillis)
                .setSource(ScrapeSource.METRICS_RESOURCE).setNode(node)
                .setPods(new ArrayList<>(List.of(pods)))
                .setNodeInfo(NodeInfo.newBuilder().setLabels(Map.of("kubernetes.io/hostname", nodeName)).build())
                .build();
    }
}
