package dev.metricsstream.testkit.kubelet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the kubelet's {@code /metrics/resource} exposition (Prometheus text format 0.0.4) the way client_golang
 * gathers kubernetes' resource metrics collector: families sorted by name, series sorted by label values, labels in
 * name order, values in Go's shortest float format, sample timestamps in milliseconds, empty families left out.
 */
final class ResourceMetricsWriter {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String SCRAPE_ERROR_HELP =
            "1 if there was an error while getting container metrics, 0 otherwise";

    private ResourceMetricsWriter() {
    }

    /** The exposition of a healthy scrape. */
    static String write(Snapshot.Node node, ResourceMetricsFormat format) {
        Families families = new Families(format);
        boolean stable = format == ResourceMetricsFormat.STABLE;
        families.sample("node_cpu_usage_seconds_total", "", seconds(node.cpuNanos()), node.sampleMillis());
        families.sample("node_memory_working_set_bytes", "", bytes(node.memoryWorkingSetBytes()), node.sampleMillis());
        if (stable) {
            families.sample("node_swap_usage_bytes", "", "0", node.sampleMillis());
        }
        for (Snapshot.Pod pod : node.pods()) {
            for (Snapshot.Container c : pod.containers()) {
                String labels = "{container=\"" + escape(c.name()) + "\",namespace=\"" + escape(pod.namespace())
                        + "\",pod=\"" + escape(pod.name()) + "\"}";
                if (format != ResourceMetricsFormat.ALPHA_2021 && c.startMillis() > 0) {
                    String start = GoFloat.format((double) (c.startMillis() * 1_000_000L) / 1e9);
                    families.sample("container_start_time_seconds", labels, start,
                            stable ? Snapshot.NO_SAMPLE : c.startMillis());
                }
                if (c.sampleMillis() == Snapshot.NO_SAMPLE) {
                    continue;
                }
                families.sample("container_cpu_usage_seconds_total", labels, seconds(c.cpuNanos()), c.sampleMillis());
                families.sample("container_memory_working_set_bytes", labels, bytes(c.memoryWorkingSetBytes()),
                        c.sampleMillis());
                if (stable && !c.init()) {
                    families.sample("container_swap_usage_bytes", labels, "0", c.sampleMillis());
                    families.sample("container_swap_limit_bytes", labels, "0", c.sampleMillis());
                }
            }
            if (pod.sampleMillis() != Snapshot.NO_SAMPLE) {
                String labels = "{namespace=\"" + escape(pod.namespace()) + "\",pod=\"" + escape(pod.name()) + "\"}";
                families.sample("pod_cpu_usage_seconds_total", labels, seconds(pod.cpuNanos()), pod.sampleMillis());
                families.sample("pod_memory_working_set_bytes", labels, bytes(pod.memoryWorkingSetBytes()),
                        pod.sampleMillis());
                if (stable) {
                    families.sample("pod_swap_usage_bytes", labels, "0", pod.sampleMillis());
                }
            }
        }
        families.scrapeError(0);
        return families.render();
    }

    /** The exposition when the kubelet could not get its summary: only the scrape-error family, set to 1. */
    static String scrapeError(ResourceMetricsFormat format) {
        Families families = new Families(format);
        families.scrapeError(1);
        return families.render();
    }

    static String seconds(long nanos) {
        return GoFloat.format(nanos / 1e9);
    }

    static String bytes(long bytes) {
        return GoFloat.format((double) bytes);
    }

    /** Label value escaping of the text format: backslash, double quote, line feed. */
    static String escape(String value) {
        if (value.indexOf('\\') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private record Family(String help, String type, boolean alphaOnly) {
    }

    private static final Map<String, Family> FAMILIES = Map.ofEntries(
            Map.entry("container_cpu_usage_seconds_total",
                    new Family("Cumulative cpu time consumed by the container in core-seconds", "counter", false)),
            Map.entry("container_memory_working_set_bytes",
                    new Family("Current working set of the container in bytes", "gauge", false)),
            Map.entry("container_start_time_seconds",
                    new Family("Start time of the container since unix epoch in seconds", "gauge", false)),
            Map.entry("container_swap_limit_bytes", new Family("Current amount of the container swap limit in bytes."
                    + " Reported only on non-windows systems", "gauge", true)),
            Map.entry("container_swap_usage_bytes", new Family("Current amount of the container swap usage in bytes."
                    + " Reported only on non-windows systems", "gauge", true)),
            Map.entry("node_cpu_usage_seconds_total",
                    new Family("Cumulative cpu time consumed by the node in core-seconds", "counter", false)),
            Map.entry("node_memory_working_set_bytes",
                    new Family("Current working set of the node in bytes", "gauge", false)),
            Map.entry("node_swap_usage_bytes", new Family("Current swap usage of the node in bytes."
                    + " Reported only on non-windows systems", "gauge", true)),
            Map.entry("pod_cpu_usage_seconds_total",
                    new Family("Cumulative cpu time consumed by the pod in core-seconds", "counter", false)),
            Map.entry("pod_memory_working_set_bytes",
                    new Family("Current working set of the pod in bytes", "gauge", false)),
            Map.entry("pod_swap_usage_bytes", new Family("Current amount of the pod swap usage in bytes."
                    + " Reported only on non-windows systems", "gauge", true)),
            Map.entry("resource_scrape_error", new Family(SCRAPE_ERROR_HELP, "gauge", false)),
            Map.entry("scrape_error", new Family(SCRAPE_ERROR_HELP, "gauge", true)));

    /** Collects samples per family, sorted as client_golang's Gather does. */
    private static final class Families {
        private final ResourceMetricsFormat format;
        private final TreeMap<String, TreeMap<String, String>> samples = new TreeMap<>();

        Families(ResourceMetricsFormat format) {
            this.format = format;
        }

        void sample(String family, String labels, String value, long timestampMillis) {
            String line = family + labels + " " + value
                    + (timestampMillis == Snapshot.NO_SAMPLE ? "" : " " + timestampMillis);
            // labels are written in name order, so the label text sorts like the label values
            samples.computeIfAbsent(family, f -> new TreeMap<>()).put(labels, line);
        }

        void scrapeError(int value) {
            String family = format == ResourceMetricsFormat.STABLE ? "resource_scrape_error" : "scrape_error";
            sample(family, "", Integer.toString(value), Snapshot.NO_SAMPLE);
        }

        String render() {
            StringBuilder out = new StringBuilder(16_384);
            for (Map.Entry<String, TreeMap<String, String>> entry : samples.entrySet()) {
                Family family = FAMILIES.get(entry.getKey());
                String level = format == ResourceMetricsFormat.STABLE && !family.alphaOnly() ? "[STABLE] " : "[ALPHA] ";
                out.append("# HELP ").append(entry.getKey()).append(' ').append(level).append(family.help())
                        .append('\n');
                out.append("# TYPE ").append(entry.getKey()).append(' ').append(family.type()).append('\n');
                List<String> lines = new ArrayList<>(entry.getValue().values());
                for (String line : lines) {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        }
    }
}
