package dev.metricsstream.aggregator.window;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The published samples of one node or pod that still belong to an open window, sorted by sample time: the raw
 * values, not a histogram. A window holds few samples (4 / 20 / 240 at 15 s for 1 m / 5 m / 1 h), so keeping them
 * gives exact statistics at a cost that grows with the samples, not with the value range, and one series serves
 * every window size (a sample is stored once, not once per window).
 *
 * <p>Percentiles are nearest-rank, computed exactly as HdrHistogram's {@code getValueAtPercentile} picks its rank:
 * {@code rank = max(1, ceil(nextDown(p) / 100 × count))}, value = the rank-th smallest sample. (HdrHistogram then
 * reported the highest value of that sample's bucket, at most 0.1 % above it, clamped to the max; here it is the
 * sample itself.)
 *
 * <p>Labels: each sample points into a small table of distinct label sets; a window reports the labels of its newest
 * sample. Mutable; built from a node's chunks in the window sample store when its windows close (and read from
 * node states of the earlier format, which stored it inside).
 */
public final class SampleSeries {

    private long[] timestampsMillis;
    private long[] cpuNanocores;
    private long[] memoryBytes;
    private int[] labelIndex;
    private int size;
    private final List<Map<String, String>> labelSets;

    public SampleSeries() {
        this(4);
    }

    private SampleSeries(int capacity) {
        timestampsMillis = new long[capacity];
        cpuNanocores = new long[capacity];
        memoryBytes = new long[capacity];
        labelIndex = new int[capacity];
        labelSets = new ArrayList<>(1);
    }

    /** Rebuilds a series from its stored form (samples sorted by time, label indexes into {@code labelSets}). */
    public static SampleSeries of(List<Map<String, String>> labelSets, long[] timestampsMillis, long[] cpuNanocores,
                                  long[] memoryBytes, int[] labelIndex) {
        SampleSeries series = new SampleSeries(Math.max(4, timestampsMillis.length));
        series.labelSets.addAll(labelSets);
        System.arraycopy(timestampsMillis, 0, series.timestampsMillis, 0, timestampsMillis.length);
        System.arraycopy(cpuNanocores, 0, series.cpuNanocores, 0, cpuNanocores.length);
        System.arraycopy(memoryBytes, 0, series.memoryBytes, 0, memoryBytes.length);
        System.arraycopy(labelIndex, 0, series.labelIndex, 0, labelIndex.length);
        series.size = timestampsMillis.length;
        return series;
    }

    /** Adds one sample (negative values count as 0, as before); kept sorted by time, a late one is inserted. */
    public void add(long timestampMillis, long cpu, long memory, Map<String, String> labels) {
        if (size == timestampsMillis.length) {
            int capacity = size * 2;
            timestampsMillis = Arrays.copyOf(timestampsMillis, capacity);
            cpuNanocores = Arrays.copyOf(cpuNanocores, capacity);
            memoryBytes = Arrays.copyOf(memoryBytes, capacity);
            labelIndex = Arrays.copyOf(labelIndex, capacity);
        }
        int at = size;
        while (at > 0 && timestampsMillis[at - 1] > timestampMillis) {
            at--;
        }
        int moved = size - at;
        if (moved > 0) {
            System.arraycopy(timestampsMillis, at, timestampsMillis, at + 1, moved);
            System.arraycopy(cpuNanocores, at, cpuNanocores, at + 1, moved);
            System.arraycopy(memoryBytes, at, memoryBytes, at + 1, moved);
            System.arraycopy(labelIndex, at, labelIndex, at + 1, moved);
        }
        timestampsMillis[at] = timestampMillis;
        cpuNanocores[at] = Math.max(0, cpu);
        memoryBytes[at] = Math.max(0, memory);
        labelIndex[at] = labelSet(labels);
        size++;
    }

    private int labelSet(Map<String, String> labels) {
        Map<String, String> wanted = labels == null ? Map.of() : labels;
        for (int i = labelSets.size() - 1; i >= 0; i--) {
            if (labelSets.get(i).equals(wanted)) {
                return i;
            }
        }
        labelSets.add(Map.copyOf(wanted));
        return labelSets.size() - 1;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long timestampMillis(int i) {
        return timestampsMillis[i];
    }

    public long cpuNanocores(int i) {
        return cpuNanocores[i];
    }

    public long memoryBytes(int i) {
        return memoryBytes[i];
    }

    public int labelIndex(int i) {
        return labelIndex[i];
    }

    public List<Map<String, String>> labelSets() {
        return labelSets;
    }

    /** Drops every sample older than {@code millis} (their windows are all closed) and unused label sets. */
    public void dropBefore(long millis) {
        int first = 0;
        while (first < size && timestampsMillis[first] < millis) {
            first++;
        }
        if (first == 0) {
            return;
        }
        size -= first;
        System.arraycopy(timestampsMillis, first, timestampsMillis, 0, size);
        System.arraycopy(cpuNanocores, first, cpuNanocores, 0, size);
        System.arraycopy(memoryBytes, first, memoryBytes, 0, size);
        System.arraycopy(labelIndex, first, labelIndex, 0, size);
        compactLabelSets();
    }

    private void compactLabelSets() {
        if (labelSets.size() <= 1) {
            return;
        }
        int[] remap = new int[labelSets.size()];
        Arrays.fill(remap, -1);
        List<Map<String, String>> kept = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int old = labelIndex[i];
            if (remap[old] < 0) {
                remap[old] = kept.size();
                kept.add(labelSets.get(old));
            }
            labelIndex[i] = remap[old];
        }
        labelSets.clear();
        labelSets.addAll(kept);
    }

    /**
     * The statistics of the samples in {@code [windowStartMillis, windowStartMillis + windowSizeMillis)} as published
     * on {@code *-metrics-windows}, or null when the window holds no sample.
     */
    public MetricsWindow window(EntityKind kind, String entity, String nodeName, long windowStartMillis,
                                long windowSizeMillis) {
        long end = windowStartMillis + windowSizeMillis;
        int from = 0;
        while (from < size && timestampsMillis[from] < windowStartMillis) {
            from++;
        }
        int to = from;
        while (to < size && timestampsMillis[to] < end) {
            to++;
        }
        int count = to - from;
        if (count == 0) {
            return null;
        }
        long[] cpu = Arrays.copyOfRange(cpuNanocores, from, to);
        long[] memory = Arrays.copyOfRange(memoryBytes, from, to);
        long cpuSum = 0;
        long memorySum = 0;
        for (int i = 0; i < count; i++) {
            cpuSum += cpu[i];
            memorySum += memory[i];
        }
        Arrays.sort(cpu);
        Arrays.sort(memory);
        return MetricsWindow.newBuilder()
                .setEntityKind(kind)
                .setEntity(entity)
                .setNodeName(nodeName)
                .setLabels(new java.util.TreeMap<>(labelSets.get(labelIndex[to - 1])))
                .setWindowSizeMillis(windowSizeMillis)
                .setWindowStartMillis(windowStartMillis)
                .setWindowEndMillis(end)
                .setCount(count)
                .setCpuCoresAvg((double) cpuSum / count / 1e9)
                .setCpuCoresMin(cpu[0] / 1e9)
                .setCpuCoresMax(cpu[count - 1] / 1e9)
                .setCpuCoresP50(percentile(cpu, 50) / 1e9)
                .setCpuCoresP95(percentile(cpu, 95) / 1e9)
                .setCpuCoresP99(percentile(cpu, 99) / 1e9)
                .setMemoryBytesAvg((double) memorySum / count)
                .setMemoryBytesMin(memory[0])
                .setMemoryBytesMax(memory[count - 1])
                .setMemoryBytesP50(percentile(memory, 50))
                .setMemoryBytesP95(percentile(memory, 95))
                .setMemoryBytesP99(percentile(memory, 99))
                .build();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof SampleSeries that) || that.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (timestampsMillis[i] != that.timestampsMillis[i] || cpuNanocores[i] != that.cpuNanocores[i]
                    || memoryBytes[i] != that.memoryBytes[i]
                    || !labelSets.get(labelIndex[i]).equals(that.labelSets.get(that.labelIndex[i]))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = size;
        for (int i = 0; i < size; i++) {
            hash = 31 * hash + Long.hashCode(timestampsMillis[i]);
        }
        return hash;
    }

    @Override
    public String toString() {
        return "SampleSeries[" + size + " samples" + (size == 0 ? "" : ", " + timestampsMillis[0] + ".."
                + timestampsMillis[size - 1]) + "]";
    }

    /**
     * Nearest-rank percentile of sorted values, with HdrHistogram's rank arithmetic
     * ({@code getValueAtPercentile}): the requested percentile is nudged down by one ulp, then
     * {@code rank = max(1, ceil(p / 100 × n))}.
     */
    public static long percentile(long[] sorted, double percentile) {
        double requested = Math.min(Math.max(Math.nextDown(percentile), 0.0), 100.0);
        long rank = Math.max(1, (long) Math.ceil(requested / 100.0 * sorted.length));
        return sorted[(int) Math.min(rank, sorted.length) - 1];
    }
}
