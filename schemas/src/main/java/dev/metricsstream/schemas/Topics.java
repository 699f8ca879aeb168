package dev.metricsstream.schemas;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of metrics-stream, declared once (DESIGN.md's topic table). All names share an optional prefix, so
 * several installations can share one cluster: prefix {@code prod.} gives {@code prod.kubelet-scrapes}.
 *
 * <ul>
 *   <li>{@code kubelet-scrapes}: key node name, value {@link NodeScrape}; delete after 24 h (replayable input).</li>
 *   <li>{@code node-metrics}: key node name, value {@link NodeMetrics}; compacted, tombstone when the node is gone.</li>
 *   <li>{@code pod-metrics}: key {@link PodKey} ({@code namespace/name}), value {@link PodMetrics}; compacted.</li>
 *   <li>{@code node-usage}: key node name, value {@link NodeUsage} (the node and all its served pods, one record
 *       per applied scrape); compacted, tombstone when the node is gone. The node-batched view the gateway
 *       reads.</li>
 *   <li>{@code node-metrics-windows}, {@code pod-metrics-windows}: key {@link WindowKey}, value
 *       {@link MetricsWindow}; delete after 7 d.</li>
 *   <li>{@code kubelet-scrapes-dlq}: key and value the raw bytes as read, plus {@link DeadLetterHeaders};
 *       delete after 7 d.</li>
 * </ul>
 */
public record Topics(
        String prefix,
        Topic<String, NodeScrape> kubeletScrapes,
        Topic<String, NodeMetrics> nodeMetrics,
        Topic<String, PodMetrics> podMetrics,
        Topic<String, NodeUsage> nodeUsage,
        Topic<String, MetricsWindow> nodeMetricsWindows,
        Topic<String, MetricsWindow> podMetricsWindows,
        Topic<byte[], byte[]> kubeletScrapesDlq) {

    public static final Duration SCRAPES_RETENTION = Duration.ofHours(24);
    public static final Duration WINDOWS_RETENTION = Duration.ofDays(7);
    public static final Duration DLQ_RETENTION = Duration.ofDays(7);

    private static final Pattern LEGAL_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{0,200}");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(kubeletScrapes, "kubeletScrapes");
        Objects.requireNonNull(nodeMetrics, "nodeMetrics");
        Objects.requireNonNull(podMetrics, "podMetrics");
        Objects.requireNonNull(nodeUsage, "nodeUsage");
        Objects.requireNonNull(nodeMetricsWindows, "nodeMetricsWindows");
        Objects.requireNonNull(podMetricsWindows, "podMetricsWindows");
        Objects.requireNonNull(kubeletScrapesDlq, "kubeletScrapesDlq");
    }

    /** The default topics, without a prefix. */
    public static Topics defaults() {
        return withPrefix("");
    }

    /** The topics with every name prefixed by {@code prefix} (may be empty). */
    public static Topics withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (!LEGAL_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("illegal topic prefix '" + prefix
                    + "': use at most 200 characters of a-z, A-Z, 0-9, '.', '_', '-'");
        }
        Serde<String> keys = Serdes.String();
        AvroSerde<MetricsWindow> windows = AvroSerde.of(MetricsWindow.class);
        return new Topics(prefix,
                new Topic<>(prefix + "kubelet-scrapes", keys, AvroSerde.of(NodeScrape.class),
                        deleteAfter(SCRAPES_RETENTION)),
                new Topic<>(prefix + "node-metrics", keys, AvroSerde.of(NodeMetrics.class), compacted()),
                new Topic<>(prefix + "pod-metrics", keys, AvroSerde.of(PodMetrics.class), compacted()),
                new Topic<>(prefix + "node-usage", keys, AvroSerde.of(NodeUsage.class), compacted()),
                new Topic<>(prefix + "node-metrics-windows", keys, windows, deleteAfter(WINDOWS_RETENTION)),
                new Topic<>(prefix + "pod-metrics-windows", keys, windows, deleteAfter(WINDOWS_RETENTION)),
                new Topic<>(prefix + "kubelet-scrapes-dlq", Serdes.ByteArray(), Serdes.ByteArray(),
                        deleteAfter(DLQ_RETENTION)));
    }

    /** All topics, in the order of the table above. */
    public List<Topic<?, ?>> all() {
        return List.of(kubeletScrapes, nodeMetrics, podMetrics, nodeUsage, nodeMetricsWindows, podMetricsWindows,
                kubeletScrapesDlq);
    }

    private static Map<String, String> deleteAfter(Duration retention) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    private static Map<String, String> compacted() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
}
