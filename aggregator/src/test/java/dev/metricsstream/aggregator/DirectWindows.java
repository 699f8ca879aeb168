package dev.metricsstream.aggregator;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.WindowKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference the window tests hold the aggregator to: windows computed directly, with textbook statistics, from
 * the values it published on node-metrics and pod-metrics. Pods are expected to carry an {@code app} label
 * {@code <node>-pod-<i>} (the tests' fleets name them so).
 */
final class DirectWindows {

    private final Map<String, List<long[]>> samples = new TreeMap<>(); // entity -> [time, cpu, memory]
    private final Map<String, String> appLabels = new HashMap<>();

    void node(String key, NodeMetrics value) {
        add(key, value.getTimestampMillis(), value.getCpuNanocores(), value.getMemoryWorkingSetBytes());
    }

    void pod(String key, PodMetrics value) {
        add(key, value.getTimestampMillis(), AggregatorTopology.podCpuNanocores(value),
                AggregatorTopology.podMemoryBytes(value));
        appLabels.put(key, value.getLabels().get("app"));
    }

    private void add(String entity, long timestampMillis, long cpuNanocores, long memoryBytes) {
        samples.computeIfAbsent(entity, k -> new ArrayList<>()).add(new long[] {timestampMillis, cpuNanocores,
                memoryBytes});
    }

    /** Published samples per entity, in the order read: [time, cpu nanocores, memory bytes]. */
    Map<String, List<long[]>> samples() {
        return samples;
    }

    /**
     * Every window of the given sizes that holds a sample and ends at or before {@code closedThroughMillis}, keyed as
     * the aggregator keys them.
     */
    Map<String, MetricsWindow> expected(List<Long> sizes, long closedThroughMillis) {
        Map<String, MetricsWindow> expected = new TreeMap<>();
        samples.forEach((entity, list) -> {
            for (long size : sizes) {
                Map<Long, List<long[]>> windows = new TreeMap<>();
                for (long[] s : list) {
                    windows.computeIfAbsent(s[0] - Math.floorMod(s[0], size), k -> new ArrayList<>()).add(s);
                }
                windows.forEach((start, in) -> {
                    if (start + size <= closedThroughMillis) {
                        expected.put(new WindowKey(entity, size, start).format(),
                                direct(entity, start, size, in, appLabels.get(entity)));
                    }
                });
            }
        });
        return expected;
    }

    static MetricsWindow direct(String entity, long start, long size, List<long[]> in, String appLabel) {
        int n = in.size();
        long[] cpu = in.stream().mapToLong(s -> s[1]).sorted().toArray();
        long[] memory = in.stream().mapToLong(s -> s[2]).sorted().toArray();
        boolean pod = entity.contains("/");
        String node = pod ? appLabel.substring(0, appLabel.indexOf("-pod-")) : entity;
        return MetricsWindow.newBuilder()
                .setEntityKind(pod ? EntityKind.POD : EntityKind.NODE)
                .setEntity(entity)
                .setNodeName(node)
                .setLabels(pod ? Map.of("app", appLabel) : Map.of("kubernetes.io/hostname", entity))
                .setWindowSizeMillis(size)
                .setWindowStartMillis(start)
                .setWindowEndMillis(start + size)
                .setCount(n)
                .setCpuCoresAvg((double) Arrays.stream(cpu).sum() / n / 1e9)
                .setCpuCoresMin(cpu[0] / 1e9)
                .setCpuCoresMax(cpu[n - 1] / 1e9)
                .setCpuCoresP50(nearestRank(cpu, 50) / 1e9)
                .setCpuCoresP95(nearestRank(cpu, 95) / 1e9)
                .setCpuCoresP99(nearestRank(cpu, 99) / 1e9)
                .setMemoryBytesAvg((double) Arrays.stream(memory).sum() / n)
                .setMemoryBytesMin(memory[0])
                .setMemoryBytesMax(memory[n - 1])
                .setMemoryBytesP50(nearestRank(memory, 50))
                .setMemoryBytesP95(nearestRank(memory, 95))
                .setMemoryBytesP99(nearestRank(memory, 99))
                .build();
    }

    /** The textbook nearest-rank percentile: the ⌈p/100 · n⌉-th smallest value. */
    static long nearestRank(long[] sorted, int percent) {
        int rank = (int) Math.max(1, (percent * (long) sorted.length + 99) / 100);
        return sorted[rank - 1];
    }
}
