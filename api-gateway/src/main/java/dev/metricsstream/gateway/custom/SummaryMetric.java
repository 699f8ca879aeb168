package dev.metricsstream.gateway.custom;

import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.gateway.api.Quantities;
import java.util.Locale;

/**
 * A latest value that only the kubelet's {@code /stats/summary} reports, read from a pod's or node's
 * {@link SummaryUsage} on {@code node-usage}. Absent (never zero) when the newest scrape did not carry it: the
 * collector does not read {@code /stats/summary} ({@code KUBELET_SOURCE=metrics-resource}), or, for the network
 * rates, no rate exists yet (first counter point, a restart, a counter that went down).
 */
public enum SummaryMetric {
    /** Bytes received per second over the last two counter points: DecimalSI quantity, milli-precision. */
    NETWORK_RECEIVE_BYTES_PER_SECOND(true),
    /** Bytes sent per second over the last two counter points. */
    NETWORK_TRANSMIT_BYTES_PER_SECOND(true),
    /** Resident set size in bytes: a pod's is the sum over its containers. */
    MEMORY_RSS_BYTES(false),
    /** Ephemeral storage in use in bytes: a pod's {@code ephemeral-storage.usedBytes}, a node's root filesystem. */
    EPHEMERAL_STORAGE_USED_BYTES(false);

    private final boolean rate;

    SummaryMetric(boolean rate) {
        this.rate = rate;
    }

    /** The metric's name in both APIs: {@code network_receive_bytes_per_second}, … */
    public String metricName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for the network rates, whose timestamp and window are those of their counter points. */
    public boolean isRate() {
        return rate;
    }

    /** The value, or null when the summary does not carry it. */
    public Double value(SummaryUsage summary) {
        if (summary == null) {
            return null;
        }
        return switch (this) {
            case NETWORK_RECEIVE_BYTES_PER_SECOND -> summary.getNetworkReceiveBytesPerSecond();
            case NETWORK_TRANSMIT_BYTES_PER_SECOND -> summary.getNetworkTransmitBytesPerSecond();
            case MEMORY_RSS_BYTES -> toDouble(summary.getMemoryRssBytes());
            case EPHEMERAL_STORAGE_USED_BYTES -> toDouble(summary.getEphemeralStorageUsedBytes());
        };
    }

    /** Rates as DecimalSI with milli-precision ({@code 125k}, {@code 1234567m}); bytes as metrics.k8s.io writes memory. */
    public String quantity(double value) {
        return rate ? Quantities.decimal(value) : Quantities.memory(Math.round(value));
    }

    private static Double toDouble(Long value) {
        return value == null ? null : value.doubleValue();
    }
}
