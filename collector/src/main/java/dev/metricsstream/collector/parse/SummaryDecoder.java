package dev.metricsstream.collector.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Decodes the kubelet's Summary API ({@code /stats/summary}) into a partial {@code NodeScrape}. Read as a JSON tree
 * so that one bad pod or value is counted and skipped instead of failing the document; unknown fields are ignored.
 *
 * <p>Mapping: {@code cpu.usageCoreNanoSeconds} is the cumulative CPU in nanoseconds, {@code cpu.time} its timestamp;
 * {@code memory.workingSetBytes} (plus {@code rssBytes}, {@code usageBytes}, {@code availableBytes}) with
 * {@code memory.time}; {@code startTime}; node and pod {@code network.rxBytes/txBytes} (summed over
 * {@code interfaces} when the default interface is not reported, as on Windows); node {@code fs} and container
 * {@code rootfs} used/capacity; {@code swap.swapUsageBytes}; the pod's {@code podRef.uid}. A value without a time
 * gets the request time. Containers with zero usage (completed init containers) are kept as they are.
 */
public final class SummaryDecoder {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public DecodeResult decode(InputStream body, String nodeName, long requestTimeMillis) throws IOException {
        ParseProblems problems = new ParseProblems();
        ScrapeAccumulator acc = new ScrapeAccumulator();
        ScrapeResultBuilder result = new ScrapeResultBuilder(problems);
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            problems.count("invalid_json", e.getOriginalMessage());
            return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.STATS_SUMMARY), "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.STATS_SUMMARY),
                    "empty_response");
        }
        if (!root.isObject() || !(root.path("node").isObject() || root.path("pods").isArray())) {
            problems.count("invalid_summary", "not a Summary object");
            return result.failed(acc.build(nodeName, requestTimeMillis, ScrapeSource.STATS_SUMMARY),
                    "invalid_summary");
        }
        new Reader(problems, requestTimeMillis).read(root, nodeName, acc);
        return result.ok(acc.build(nodeName, requestTimeMillis, ScrapeSource.STATS_SUMMARY));
    }

    /** Field extraction with problem counting; one per decode. */
    private static final class Reader {
        private final ParseProblems problems;
        private final long requestTimeMillis;

        Reader(ParseProblems problems, long requestTimeMillis) {
            this.problems = problems;
            this.requestTimeMillis = requestTimeMillis;
        }

        void read(JsonNode root, String nodeName, ScrapeAccumulator acc) {
            JsonNode node = root.path("node");
            if (node.isObject()) {
                String reported = node.path("nodeName").asText(null);
                if (reported != null && !reported.equals(nodeName)) {
                    problems.count("node_name_mismatch", reported + " != " + nodeName);
                }
                node(node, acc.node());
            }
            JsonNode pods = root.path("pods");
            if (pods.isArray()) {
                for (JsonNode pod : pods) {
                    pod(pod, acc);
                }
            }
        }

        private void node(JsonNode json, NodeSample node) {
            node.setStartTimeMillis(time(json.path("startTime"), false));
            JsonNode cpu = json.path("cpu");
            Long cpuNanos = nonNegative(cpu, "usageCoreNanoSeconds");
            if (cpuNanos != null) {
                node.setCumulativeCpuNanos(cpuNanos);
                node.setCpuTimestampMillis(time(cpu.path("time"), true));
            }
            JsonNode memory = json.path("memory");
            Long workingSet = nonNegative(memory, "workingSetBytes");
            if (workingSet != null) {
                node.setMemoryWorkingSetBytes(workingSet);
                node.setMemoryTimestampMillis(time(memory.path("time"), true));
            }
            node.setMemoryRssBytes(nonNegative(memory, "rssBytes"));
            node.setMemoryUsageBytes(nonNegative(memory, "usageBytes"));
            node.setMemoryAvailableBytes(nonNegative(memory, "availableBytes"));
            JsonNode network = json.path("network");
            node.setNetworkRxBytes(network(network, "rxBytes"));
            node.setNetworkTxBytes(network(network, "txBytes"));
            JsonNode fs = json.path("fs");
            node.setFsUsedBytes(nonNegative(fs, "usedBytes"));
            node.setFsCapacityBytes(nonNegative(fs, "capacityBytes"));
            node.setSwapUsageBytes(nonNegative(json.path("swap"), "swapUsageBytes"));
        }

        private void pod(JsonNode json, ScrapeAccumulator acc) {
            JsonNode ref = json.path("podRef");
            String name = ref.path("name").asText("");
            String namespace = ref.path("namespace").asText("");
            if (name.isEmpty() || namespace.isEmpty()) {
                problems.count("missing_pod_ref", String.valueOf(ref));
                return;
            }
            PodSample pod = acc.pod(namespace, name);
            String uid = ref.path("uid").asText("");
            if (!uid.isEmpty()) {
                pod.setUid(uid);
            }
            JsonNode network = json.path("network");
            pod.setNetworkRxBytes(network(network, "rxBytes"));
            pod.setNetworkTxBytes(network(network, "txBytes"));
            JsonNode containers = json.path("containers");
            if (containers.isArray()) {
                for (JsonNode container : containers) {
                    String containerName = container.path("name").asText("");
                    if (containerName.isEmpty()) {
                        problems.count("missing_container_name", namespace + "/" + name);
                        continue;
                    }
                    container(container, acc.container(namespace, name, containerName));
                }
            }
        }

        private void container(JsonNode json, ContainerSample container) {
            container.setStartTimeMillis(time(json.path("startTime"), false));
            JsonNode cpu = json.path("cpu");
            Long cpuNanos = nonNegative(cpu, "usageCoreNanoSeconds");
            if (cpuNanos != null) {
                container.setCumulativeCpuNanos(cpuNanos);
                container.setCpuTimestampMillis(time(cpu.path("time"), true));
            }
            JsonNode memory = json.path("memory");
            Long workingSet = nonNegative(memory, "workingSetBytes");
            if (workingSet != null) {
                container.setMemoryWorkingSetBytes(workingSet);
                container.setMemoryTimestampMillis(time(memory.path("time"), true));
            }
            container.setMemoryRssBytes(nonNegative(memory, "rssBytes"));
            container.setMemoryUsageBytes(nonNegative(memory, "usageBytes"));
            container.setMemoryAvailableBytes(nonNegative(memory, "availableBytes"));
            JsonNode rootfs = json.path("rootfs");
            container.setFsUsedBytes(nonNegative(rootfs, "usedBytes"));
            container.setFsCapacityBytes(nonNegative(rootfs, "capacityBytes"));
            container.setSwapUsageBytes(nonNegative(json.path("swap"), "swapUsageBytes"));
        }

        /** The default interface's counter, or the sum over {@code interfaces} when it is absent. */
        private Long network(JsonNode network, String field) {
            if (!network.isObject()) {
                return null;
            }
            Long value = nonNegative(network, field);
            if (value != null) {
                return value;
            }
            JsonNode interfaces = network.path("interfaces");
            if (!interfaces.isArray() || interfaces.isEmpty()) {
                return null;
            }
            long sum = 0;
            boolean any = false;
            for (JsonNode iface : interfaces) {
                Long v = nonNegative(iface, field);
                if (v != null) {
                    sum += v;
                    any = true;
                }
            }
            return any ? sum : null;
        }

        private Long nonNegative(JsonNode object, String field) {
            JsonNode value = object.path(field);
            if (value.isMissingNode() || value.isNull()) {
                return null;
            }
            if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0) {
                return value.asLong();
            }
            if (value.isFloatingPointNumber() && Double.isFinite(value.asDouble()) && value.asDouble() >= 0
                    && value.asDouble() < 9.2e18) {
                return (long) value.asDouble();
            }
            problems.count(value.isNumber() ? "value_out_of_range" : "invalid_value", field + "=" + value);
            return null;
        }

        /** RFC 3339 time in epoch millis; a missing time gives the request time when {@code defaultToRequest}. */
        private Long time(JsonNode value, boolean defaultToRequest) {
            if (value.isMissingNode() || value.isNull()) {
                return defaultToRequest ? requestTimeMillis : null;
            }
            try {
                return OffsetDateTime.parse(value.asText()).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                problems.count("invalid_timestamp", value.asText());
                return defaultToRequest ? requestTimeMillis : null;
            }
        }
    }
}
