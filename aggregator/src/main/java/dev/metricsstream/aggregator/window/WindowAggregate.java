package dev.metricsstream.aggregator.window;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The running aggregate of one entity's usage over one window: count, sums, exact min/max and two mergeable
 * HdrHistograms (CPU in nanocores, memory in bytes, 3 significant digits: percentiles within 0.1 %).
 * Mutable, as Kafka Streams aggregators are; stored with {@link WindowAggregateSerde}.
 */
public final class WindowAggregate {

    static final int SIGNIFICANT_DIGITS = 3;

    long count;
    double cpuSumNanocores;
    long cpuMinNanocores = Long.MAX_VALUE;
    long cpuMaxNanocores = Long.MIN_VALUE;
    double memorySumBytes;
    long memoryMinBytes = Long.MAX_VALUE;
    long memoryMaxBytes = Long.MIN_VALUE;
    String nodeName;
    Map<String, String> labels = new TreeMap<>();
    Histogram cpuNanocores = new Histogram(SIGNIFICANT_DIGITS);
    Histogram memoryBytes = new Histogram(SIGNIFICANT_DIGITS);

    /** Adds one sample; {@code nodeName}/{@code labels} of the newest sample win. */
    public WindowAggregate add(long cpuNanocoresValue, long memoryBytesValue, String node,
                               Map<String, String> sampleLabels) {
        long cpu = Math.max(0, cpuNanocoresValue);
        long memory = Math.max(0, memoryBytesValue);
        count++;
        cpuSumNanocores += cpu;
        cpuMinNanocores = Math.min(cpuMinNanocores, cpu);
        cpuMaxNanocores = Math.max(cpuMaxNanocores, cpu);
        memorySumBytes += memory;
        memoryMinBytes = Math.min(memoryMinBytes, memory);
        memoryMaxBytes = Math.max(memoryMaxBytes, memory);
        cpuNanocores.recordValue(cpu);
        memoryBytes.recordValue(memory);
        nodeName = node;
        labels = new TreeMap<>(sampleLabels);
        return this;
    }

    public long count() {
        return count;
    }

    /** The closed window as published on {@code *-metrics-windows}. */
    public MetricsWindow toMetricsWindow(EntityKind kind, String entity, long windowStartMillis,
                                         long windowEndMillis) {
        return MetricsWindow.newBuilder()
                .setEntityKind(kind)
                .setEntity(entity)
                .setNodeName(nodeName)
                .setLabels(labels)
                .setWindowSizeMillis(windowEndMillis - windowStartMillis)
                .setWindowStartMillis(windowStartMillis)
                .setWindowEndMillis(windowEndMillis)
                .setCount(count)
                .setCpuCoresAvg(cpuSumNanocores / count / 1e9)
                .setCpuCoresMin(cpuMinNanocores / 1e9)
                .setCpuCoresMax(cpuMaxNanocores / 1e9)
                .setCpuCoresP50(cpuPercentile(50) / 1e9)
                .setCpuCoresP95(cpuPercentile(95) / 1e9)
                .setCpuCoresP99(cpuPercentile(99) / 1e9)
                .setMemoryBytesAvg(memorySumBytes / count)
                .setMemoryBytesMin(memoryMinBytes)
                .setMemoryBytesMax(memoryMaxBytes)
                .setMemoryBytesP50(memoryPercentile(50))
                .setMemoryBytesP95(memoryPercentile(95))
                .setMemoryBytesP99(memoryPercentile(99))
                .build();
    }

    private long cpuPercentile(double percentile) {
        return clamp(cpuNanocores.getValueAtPercentile(percentile), cpuMinNanocores, cpuMaxNanocores);
    }

    private long memoryPercentile(double percentile) {
        return clamp(memoryBytes.getValueAtPercentile(percentile), memoryMinBytes, memoryMaxBytes);
    }

    /** HdrHistogram answers with its bucket's highest equivalent value; never report beyond the exact range. */
    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
