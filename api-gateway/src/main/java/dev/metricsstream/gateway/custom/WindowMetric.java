package dev.metricsstream.gateway.custom;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.api.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A statistic of one closed window size, read from a {@link MetricsWindow}: {@code cpu_usage_avg_5m} (cores, from
 * {@code cpuCoresAvg}), {@code memory_working_set_p95_1h} (bytes, from {@code memoryBytesP95}), … Values are whole
 * nanocores or bytes and are written as canonical quantities (CPU DecimalSI, memory BinarySI), as metrics.k8s.io does.
 */
public record WindowMetric(String name, Resource resource, Stat stat, long sizeMillis) {

    /** What is measured, with its unit. */
    public enum Resource {
        CPU("cpu_usage"), MEMORY("memory_working_set");

        final String prefix;

        Resource(String prefix) {
            this.prefix = prefix;
        }

        /** A whole value in this resource's base unit (nanocores for CPU, bytes for memory) as a quantity. */
        public String quantity(long value) {
            return this == CPU ? Quantities.cpu(value) : Quantities.memory(value);
        }
    }

    /** Which of the window's statistics. */
    public enum Stat { AVG, MAX, P95 }

    /** Every statistic of every resource, for each given window size (in that order). */
    public static List<WindowMetric> catalog(List<Duration> sizes) {
        List<WindowMetric> metrics = new ArrayList<>();
        for (Resource resource : Resource.values()) {
            for (Stat stat : Stat.values()) {
                for (Duration size : sizes) {
                    metrics.add(new WindowMetric(resource.prefix + "_" + stat.name().toLowerCase(Locale.ROOT) + "_"
                            + Durations.format(size), resource, stat, size.toMillis()));
                }
            }
        }
        return List.copyOf(metrics);
    }

    /** The statistic of {@code window}: nanocores for CPU, bytes for memory, rounded to whole units. */
    public long value(MetricsWindow window) {
        if (resource == Resource.CPU) {
            double cores = switch (stat) {
                case AVG -> window.getCpuCoresAvg();
                case MAX -> window.getCpuCoresMax();
                case P95 -> window.getCpuCoresP95();
            };
            return Math.round(cores * 1e9);
        }
        return switch (stat) {
            case AVG -> Math.round(window.getMemoryBytesAvg());
            case MAX -> window.getMemoryBytesMax();
            case P95 -> window.getMemoryBytesP95();
        };
    }

    public long windowSeconds() {
        return sizeMillis / 1000;
    }
}
