package dev.metricsstream.gateway.prom;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The pipeline's data in Prometheus exposition ({@code /metrics/usage}), written straight from the store while it
 * is read: one pass over the store per metric family, each sample written as soon as it is read, nothing collected
 * first. (client_java's {@code MultiCollector} would first build a {@code MetricSnapshots} object per scrape —
 * about a million data points with their label objects for 150,000 pods — so the text is produced here instead;
 * see the measurements in the report.)
 *
 * <p>Label names are the ones kube-state-metrics and cAdvisor use ({@code node}, {@code namespace}, {@code pod},
 * {@code container}) so PromQL joins work. Each usage sample carries its kubelet sample time. Window statistics carry
 * no timestamp: a window closes once per window size (1 h), and a sample stamped with its end time would fall out of
 * an instant query's 5-minute lookback minutes after it closed. Instead the latest closed window is exposed, stamped
 * at scrape time, until the next one can have closed; its end time is the separate gauge
 * {@code metrics_stream_*_window_end_timestamp_seconds} (same labels but {@code stat}). Only what the API would serve
 * is exposed: entries older than the staleness bound are left out.
 */
public final class UsageExposition {
    /** The two formats, negotiated from {@code Accept} as Prometheus servers send it. */
    public enum Format {
        TEXT("text/plain; version=0.0.4; charset=utf-8"),
        OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        public static Format negotiate(String accept) {
            return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
        }
    }

    /** A sample without a timestamp: Prometheus stamps it with the scrape time. */
    private static final long NO_TIMESTAMP = -1;

    private final MetricsStoreReader store;
    private final Freshness freshness;

    public UsageExposition(MetricsStoreReader store, Freshness freshness) {
        this.store = store;
        this.freshness = freshness;
    }

    public void write(Writer out, Format format, long nowMillis) throws IOException {
        Sink sink = new Sink(out, format);
        try {
            nodeFamilies(sink, nowMillis);
            podFamilies(sink, nowMillis);
            containerFamilies(sink, nowMillis);
            windowFamilies(sink, nowMillis);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (format == Format.OPENMETRICS) {
            out.write("# EOF\n");
        }
        out.flush();
    }

    private void nodeFamilies(Sink sink, long now) throws IOException {
        sink.family("metrics_stream_node_cpu_usage_cores", "CPU usage of the node in cores, averaged over the window between two kubelet samples");
        forEachFreshNode(now, node -> sink.sample("metrics_stream_node_cpu_usage_cores",
                new String[] {"node", node.getNodeName()}, cores(node.getCpuNanocores()), node.getTimestampMillis()));
        sink.family("metrics_stream_node_memory_working_set_bytes", "Memory working set of the node in bytes");
        forEachFreshNode(now, node -> sink.sample("metrics_stream_node_memory_working_set_bytes",
                new String[] {"node", node.getNodeName()}, Long.toString(node.getMemoryWorkingSetBytes()),
                node.getTimestampMillis()));
    }

    private void podFamilies(Sink sink, long now) throws IOException {
        sink.family("metrics_stream_pod_cpu_usage_cores", "CPU usage of the pod (sum of its containers) in cores");
        forEachFreshPod(now, pod -> {
            long nanocores = 0;
            for (ContainerMetrics container : pod.getContainers()) {
                nanocores += container.getCpuNanocores();
            }
            sink.sample("metrics_stream_pod_cpu_usage_cores", podLabels(pod), cores(nanocores), pod.getTimestampMillis());
        });
        sink.family("metrics_stream_pod_memory_working_set_bytes", "Memory working set of the pod (sum of its containers) in bytes");
        forEachFreshPod(now, pod -> {
            long bytes = 0;
            for (ContainerMetrics container : pod.getContainers()) {
                bytes += container.getMemoryWorkingSetBytes();
            }
            sink.sample("metrics_stream_pod_memory_working_set_bytes", podLabels(pod), Long.toString(bytes),
                    pod.getTimestampMillis());
        });
    }

    private void containerFamilies(Sink sink, long now) throws IOException {
        sink.family("metrics_stream_container_cpu_usage_cores", "CPU usage of the container in cores");
        forEachFreshPod(now, pod -> {
            for (ContainerMetrics container : pod.getContainers()) {
                sink.sample("metrics_stream_container_cpu_usage_cores", containerLabels(pod, container),
                        cores(container.getCpuNanocores()), pod.getTimestampMillis());
            }
        });
        sink.family("metrics_stream_container_memory_working_set_bytes", "Memory working set of the container in bytes");
        forEachFreshPod(now, pod -> {
            for (ContainerMetrics container : pod.getContainers()) {
                sink.sample("metrics_stream_container_memory_working_set_bytes", containerLabels(pod, container),
                        Long.toString(container.getMemoryWorkingSetBytes()), pod.getTimestampMillis());
            }
        });
    }

    private void windowFamilies(Sink sink, long now) throws IOException {
        for (String kind : new String[] {"node", "pod"}) {
            String cpu = "metrics_stream_" + kind + "_window_cpu_usage_cores";
            sink.family(cpu, "CPU usage in cores over the latest closed window of each size, by statistic");
            forEachCurrentWindow(now, kind, window -> {
                writeStat(sink, cpu, window, "avg", plain(window.getCpuCoresAvg()));
                writeStat(sink, cpu, window, "min", plain(window.getCpuCoresMin()));
                writeStat(sink, cpu, window, "max", plain(window.getCpuCoresMax()));
                writeStat(sink, cpu, window, "p50", plain(window.getCpuCoresP50()));
                writeStat(sink, cpu, window, "p95", plain(window.getCpuCoresP95()));
                writeStat(sink, cpu, window, "p99", plain(window.getCpuCoresP99()));
            });
            String memory = "metrics_stream_" + kind + "_window_memory_working_set_bytes";
            sink.family(memory, "Memory working set in bytes over the latest closed window of each size, by statistic");
            forEachCurrentWindow(now, kind, window -> {
                writeStat(sink, memory, window, "avg", plain(window.getMemoryBytesAvg()));
                writeStat(sink, memory, window, "min", Long.toString(window.getMemoryBytesMin()));
                writeStat(sink, memory, window, "max", Long.toString(window.getMemoryBytesMax()));
                writeStat(sink, memory, window, "p50", Long.toString(window.getMemoryBytesP50()));
                writeStat(sink, memory, window, "p95", Long.toString(window.getMemoryBytesP95()));
                writeStat(sink, memory, window, "p99", Long.toString(window.getMemoryBytesP99()));
            });
            String end = "metrics_stream_" + kind + "_window_end_timestamp_seconds";
            sink.family(end, "End of the latest closed window of each size (Unix seconds): the time the window "
                    + "statistics of the same labels describe");
            forEachCurrentWindow(now, kind, window -> sink.sample(end, windowLabels(window, null),
                    BigDecimal.valueOf(window.getWindowEndMillis(), 3).stripTrailingZeros().toPlainString(),
                    NO_TIMESTAMP));
        }
    }

    private static void writeStat(Sink sink, String name, MetricsWindow window, String stat, String value) {
        sink.sample(name, windowLabels(window, stat), value, NO_TIMESTAMP);
    }

    /** The window's entity labels and its size, then {@code stat} unless null. */
    private static String[] windowLabels(MetricsWindow window, String stat) {
        String size = Durations.format(Duration.ofMillis(window.getWindowSizeMillis()));
        String[] labels;
        if (window.getEntityKind().name().equals("NODE")) {
            labels = new String[] {"node", window.getEntity(), "window", size, "stat", stat};
        } else {
            String entity = window.getEntity();
            int slash = entity.indexOf('/');
            String namespace = slash < 0 ? "" : entity.substring(0, slash);
            String pod = slash < 0 ? entity : entity.substring(slash + 1);
            String node = window.getNodeName() == null ? "" : window.getNodeName();
            labels = new String[] {"namespace", namespace, "pod", pod, "node", node, "window", size, "stat", stat};
        }
        return stat == null ? Arrays.copyOf(labels, labels.length - 2) : labels;
    }

    private void forEachFreshNode(long now, Consumer<NodeMetrics> action) {
        store.forEachNode(node -> {
            if (freshness.isFresh(node.getTimestampMillis(), now)) {
                action.accept(node);
            }
        });
    }

    private void forEachFreshPod(long now, Consumer<PodMetrics> action) {
        store.forEachPod(pod -> {
            if (freshness.isFresh(pod.getTimestampMillis(), now)) {
                action.accept(pod);
            }
        });
    }

    /** The latest closed window is current while no newer one can have closed (plus the staleness bound). */
    private void forEachCurrentWindow(long now, String kind, Consumer<MetricsWindow> action) {
        String entityKind = kind.toUpperCase(Locale.ROOT);
        store.forEachLatestWindow(window -> {
            if (window.getEntityKind().name().equals(entityKind)
                    && now - window.getWindowEndMillis() <= window.getWindowSizeMillis() + freshness.bound().toMillis()) {
                action.accept(window);
            }
        });
    }

    private static String[] podLabels(PodMetrics pod) {
        return new String[] {"namespace", pod.getNamespace(), "pod", pod.getName(), "node", pod.getNodeName()};
    }

    private static String[] containerLabels(PodMetrics pod, ContainerMetrics container) {
        return new String[] {"namespace", pod.getNamespace(), "pod", pod.getName(), "container", container.getName(),
            "node", pod.getNodeName()};
    }

    /** Exact decimal cores from whole nanocores: 487558164 -> 0.487558164. */
    static String cores(long nanocores) {
        return BigDecimal.valueOf(nanocores, 9).stripTrailingZeros().toPlainString();
    }

    static String plain(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Writes lines of one format; IOException is rethrown unchecked out of store callbacks. */
    private static final class Sink {
        private final Writer out;
        private final Format format;
        private final StringBuilder line = new StringBuilder(256);

        Sink(Writer out, Format format) {
            this.out = out;
            this.format = format;
        }

        void family(String name, String help) throws IOException {
            out.write("# HELP ");
            out.write(name);
            out.write(' ');
            out.write(escapeHelp(help));
            out.write("\n# TYPE ");
            out.write(name);
            out.write(" gauge\n");
        }

        void sample(String name, String[] labels, String value, long timestampMillis) {
            line.setLength(0);
            line.append(name).append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(labels[i]).append("=\"");
                escapeLabelValue(line, labels[i + 1]);
                line.append('"');
            }
            line.append("} ").append(value);
            if (timestampMillis != NO_TIMESTAMP) {
                line.append(' ');
                if (format == Format.OPENMETRICS) {
                    line.append(BigDecimal.valueOf(timestampMillis, 3).toPlainString());
                } else {
                    line.append(timestampMillis);
                }
            }
            line.append('\n');
            try {
                out.append(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String escapeHelp(String help) {
            return help.replace("\\", "\\\\").replace("\n", "\\n");
        }

        private static void escapeLabelValue(StringBuilder out, String value) {
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(ch);
                }
            }
        }
    }
}
