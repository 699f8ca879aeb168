package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the kubelet's {@code /metrics/resource} into a partial {@code NodeScrape}, with metrics-server's semantics
 * ({@code pkg/scraper/client/resource/decode.go}):
 * <ul>
 *   <li>families: {@code node_cpu_usage_seconds_total}, {@code node_memory_working_set_bytes},
 *       {@code node_swap_usage_bytes}, {@code container_cpu_usage_seconds_total},
 *       {@code container_memory_working_set_bytes}, {@code container_swap_usage_bytes},
 *       {@code container_start_time_seconds}; {@code pod_*} and everything else is ignored;</li>
 *   <li>CPU seconds become nanoseconds as {@code (long) (value * 1e9)} (Go's {@code uint64(value*1e9)});
 *       bytes are truncated to whole bytes;</li>
 *   <li>the sample's own millisecond timestamp is used, the request time when it has none;</li>
 *   <li>{@code container_start_time_seconds} is the value (seconds since the epoch, to nanoseconds as Go does, then
 *       to milliseconds), not the sample timestamp;</li>
 *   <li>series are keyed by the {@code namespace}, {@code pod} and {@code container} labels.</li>
 * </ul>
 * Deliberate differences: metrics-server drops a container (and its whole pod) whose CPU or memory is missing or
 * zero, and the node when either is missing or zero; here nothing is dropped — a missing value stays null and a zero
 * stays zero, and the aggregator decides. CPU and memory keep their own timestamps (metrics-server keeps whichever
 * series came last). {@code scrape_error}/{@code resource_scrape_error} = 1 marks the whole scrape failed, and so
 * does a body whose last line lacks its line feed (cut off: publishing it would make the aggregator believe the
 * missing pods were gone). Bad lines within a complete body are counted and skipped.
 */
public final class ResourceMetricsDecoder {
    static final String NODE_CPU = "node_cpu_usage_seconds_total";
    static final String NODE_MEMORY = "node_memory_working_set_bytes";
    static final String NODE_SWAP = "node_swap_usage_bytes";
    static final String CONTAINER_CPU = "container_cpu_usage_seconds_total";
    static final String CONTAINER_MEMORY = "container_memory_working_set_bytes";
    static final String CONTAINER_SWAP = "container_swap_usage_bytes";
    static final String CONTAINER_START = "container_start_time_seconds";
    static final String SCRAPE_ERROR = "scrape_error";
    static final String RESOURCE_SCRAPE_ERROR = "resource_scrape_error";

    private static final double MAX_LONG_AS_DOUBLE = 9.223372036854775E18;

    private final PrometheusTextParser parser = new PrometheusTextParser(Set.of(NODE_CPU, NODE_MEMORY, NODE_SWAP,
            CONTAINER_CPU, CONTAINER_MEMORY, CONTAINER_SWAP, CONTAINER_START, SCRAPE_ERROR, RESOURCE_SCRAPE_ERROR));

    /**
     * @param body the response body (the caller caps its size)
     * @param nodeName the node the scrape is for (the record key)
     * @param requestTimeMillis when the request was sent: the scrape time, and the timestamp of samples without one
     */
    public DecodeResult decode(InputStream body, String nodeName, long requestTimeMillis) throws IOException {
        ScrapeAccumulator acc = new ScrapeAccumulator();
        ParseProblems problems = new ParseProblems();
        boolean[] kubeletError = {false};
        boolean[] sawScrapeError = {false};
        PrometheusTextParser.Stats stats = parser.parse(body, (name, labels, value, ts) -> {
            long timestampMillis = ts == PrometheusTextParser.NO_TIMESTAMP ? requestTimeMillis : ts;
            switch (name) {
                case SCRAPE_ERROR, RESOURCE_SCRAPE_ERROR -> {
                    sawScrapeError[0] = true;
                    if (value == 1) {
                        kubeletError[0] = true;
                    }
                }
                case NODE_CPU -> nodeCpu(acc, value, timestampMillis, problems);
                case NODE_MEMORY -> nodeMemory(acc, value, timestampMillis, problems);
                case NODE_SWAP -> {
                    Long bytes = bytes(value, problems, name);
                    if (bytes != null) {
                        acc.node().setSwapUsageBytes(bytes);
                    }
                }
                default -> container(acc, name, labels, value, timestampMillis, problems);
            }
        }, problems);
        ScrapeResultBuilder result = new ScrapeResultBuilder(problems);
        if (kubeletError[0]) {
            return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.METRICS_RESOURCE),
                    "kubelet_scrape_error");
        }
        if (!stats.endsWithLineFeed()) {
            // a partial scrape must not go out: the aggregator reads a pod missing from a scrape as a pod gone
            problems.count("truncated_response", null);
            return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.METRICS_RESOURCE),
                    "truncated_response");
        }
        if (!acc.hasAnything()) {
            String reason = stats.lines() == 0 ? "empty_response" : sawScrapeError[0] ? null : "no_samples";
            if (reason != null) {
                return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.METRICS_RESOURCE), reason);
            }
        }
        return result.ok(acc.build(nodeName, requestTimeMillis, ScrapeSource.METRICS_RESOURCE));
    }

    private static void nodeCpu(ScrapeAccumulator acc, double value, long timestampMillis, ParseProblems problems) {
        Long nanos = cpuNanos(value, problems, NODE_CPU);
        if (nanos != null) {
            NodeSample node = acc.node();
            node.setCumulativeCpuNanos(nanos);
            node.setCpuTimestampMillis(timestampMillis);
        }
    }

    private static void nodeMemory(ScrapeAccumulator acc, double value, long timestampMillis,
            ParseProblems problems) {
        Long bytes = bytes(value, problems, NODE_MEMORY);
        if (bytes != null) {
            NodeSample node = acc.node();
            node.setMemoryWorkingSetBytes(bytes);
            node.setMemoryTimestampMillis(timestampMillis);
        }
    }

    private static void container(ScrapeAccumulator acc, String name, Map<String, String> labels, double value,
            long timestampMillis, ParseProblems problems) {
        String namespace = labels.get("namespace");
        String pod = labels.get("pod");
        String containerName = labels.get("container");
        if (isBlank(namespace) || isBlank(pod) || isBlank(containerName)) {
            problems.count("missing_label", name + labels);
            return;
        }
        switch (name) {
            case CONTAINER_CPU -> {
                Long nanos = cpuNanos(value, problems, name);
                if (nanos != null) {
                    ContainerSample c = acc.container(namespace, pod, containerName);
                    c.setCumulativeCpuNanos(nanos);
                    c.setCpuTimestampMillis(timestampMillis);
                }
            }
            case CONTAINER_MEMORY -> {
                Long bytes = bytes(value, problems, name);
                if (bytes != null) {
                    ContainerSample c = acc.container(namespace, pod, containerName);
                    c.setMemoryWorkingSetBytes(bytes);
                    c.setMemoryTimestampMillis(timestampMillis);
                }
            }
            case CONTAINER_SWAP -> {
                Long bytes = bytes(value, problems, name);
                if (bytes != null) {
                    acc.container(namespace, pod, containerName).setSwapUsageBytes(bytes);
                }
            }
            case CONTAINER_START -> {
                Long startMillis = startTimeMillis(value, problems);
                if (startMillis != null) {
                    acc.container(namespace, pod, containerName).setStartTimeMillis(startMillis);
                }
            }
            default -> {
                // not a family this decoder asked for
            }
        }
    }

    private static Long cpuNanos(double seconds, ParseProblems problems, String family) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            problems.count("invalid_value", family + " " + seconds);
            return null;
        }
        double nanos = seconds * 1e9;
        if (nanos >= MAX_LONG_AS_DOUBLE) {
            problems.count("value_out_of_range", family + " " + seconds);
            return null;
        }
        return (long) nanos;
    }

    private static Long bytes(double value, ParseProblems problems, String family) {
        if (!Double.isFinite(value) || value < 0) {
            problems.count("invalid_value", family + " " + value);
            return null;
        }
        if (value >= MAX_LONG_AS_DOUBLE) {
            problems.count("value_out_of_range", family + " " + value);
            return null;
        }
        return (long) value;
    }

    private static Long startTimeMillis(double seconds, ParseProblems problems) {
        // like Go's time.Unix(0, int64(value*1e9)); a start before the epoch is the zero time of a broken kubelet
        if (!Double.isFinite(seconds) || seconds <= 0) {
            problems.count("invalid_start_time", CONTAINER_START + " " + seconds);
            return null;
        }
        double nanos = seconds * 1e9;
        if (nanos >= MAX_LONG_AS_DOUBLE) {
            problems.count("value_out_of_range", CONTAINER_START + " " + seconds);
            return null;
        }
        return ((long) nanos) / 1_000_000L;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isEmpty();
    }
}
