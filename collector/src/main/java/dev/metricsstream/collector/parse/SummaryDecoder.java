package dev.metricsstream.collector.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Decodes the kubelet's Summary API ({@code /stats/summary}) into a partial {@code NodeScrape}. Streamed, one pod
 * at a time as a small JSON tree, so that one bad pod or value is counted and skipped instead of failing the document
 * and memory stays small; unknown fields are ignored. A document that is not well-formed JSON (e.g. cut off) fails.
 *
 * <p>Mapping: {@code cpu.usageCoreNanoSeconds} is the cumulative CPU in nanoseconds, {@code cpu.time} its timestamp;
 * {@code memory.workingSetBytes} (plus {@code rssBytes}, {@code usageBytes}, {@code availableBytes}) with
 * {@code memory.time}; {@code startTime}; node and pod {@code network.rxBytes/txBytes} (summed over
 * {@code interfaces} when the default interface is not reported, as on Windows) with {@code network.time}; the
 * pod's {@code startTime} and {@code ephemeral-storage.usedBytes}; node {@code fs} and container {@code rootfs}
 * used/capacity; {@code swap.swapUsageBytes}; the pod's {@code podRef.uid}. A value without a time
 * gets the request time. Containers with zero usage (completed init containers) are kept as they are.
 */
public final class SummaryDecoder {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public DecodeResult decode(InputStream body, String nodeName, long requestTimeMillis) throws IOException {
        ParseProblems problems = new ParseProblems();
        ScrapeAccumulator acc = new ScrapeAccumulator();
        ScrapeResultBuilder result = new ScrapeResultBuilder(problems);
        Reader reader = new Reader(problems, requestTimeMillis);
        String failure;
        try (JsonParser parser = MAPPER.createParser(body)) {
            failure = read(parser, reader, nodeName, acc);
        } catch (JacksonException e) {
            // also a body cut off in the middle: a partial scrape must not go out (missing pods would look gone)
            problems.count("invalid_json", e.getOriginalMessage());
            failure = "invalid_json";
        }
        NodeScrape scrape = acc.build(nodeName, requestTimeMillis, ScrapeSource.STATS_SUMMARY);
        return failure == null ? result.ok(scrape) : result.failed(scrape, failure);
    }

    /**
     * Streams the document: the node object and then one pod at a time are read as small trees, so memory stays
     * proportional to one pod, not to the whole summary. Returns a failure reason, or null.
     */
    private static String read(JsonParser parser, Reader reader, String nodeName, ScrapeAccumulator acc)
            throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return "empty_response";
        }
        if (first != JsonToken.START_OBJECT) {
            reader.problems.count("invalid_summary", "not a Summary object");
            return "invalid_summary";
        }
        boolean summary = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("node".equals(field) && value == JsonToken.START_OBJECT) {
                summary = true;
                reader.node(MAPPER.readTree(parser), nodeName, acc);
            } else if ("pods".equals(field) && value == JsonToken.START_ARRAY) {
                summary = true;
                JsonToken element;
                while ((element = parser.nextToken()) != JsonToken.END_ARRAY && element != null) {
                    if (element == JsonToken.START_OBJECT) {
                        reader.pod(MAPPER.readTree(parser), acc);
                    } else {
                        parser.skipChildren();
                        reader.problems.count("missing_pod_ref", element.toString());
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            reader.problems.count("trailing_garbage", "after the Summary object");
        }
        if (!summary) {
            reader.problems.count("invalid_summary", "no node and no pods");
            return "invalid_summary";
        }
        return null;
    }

    /** Field extraction with problem counting; one per decode. */
    private static final class Reader {
        private final ParseProblems problems;
        private final long requestTimeMillis;

        Reader(ParseProblems problems, long requestTimeMillis) {
            this.problems = problems;
            this.requestTimeMillis = requestTimeMillis;
        }

        void node(JsonNode node, String nodeName, ScrapeAccumulator acc) {
            String reported = node.path("nodeName").asText(null);
            if (reported != null && !reported.equals(nodeName)) {
                problems.count("node_name_mismatch", reported + " != " + nodeName);
            }
            node(node, acc.node());
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
            if (node.getNetworkRxBytes() != null || node.getNetworkTxBytes() != null) {
                node.setNetworkTimestampMillis(time(network.path("time"), true));
            }
            JsonNode fs = json.path("fs");
            node.setFsUsedBytes(nonNegative(fs, "usedBytes"));
            node.setFsCapacityBytes(nonNegative(fs, "capacityBytes"));
            node.setSwapUsageBytes(nonNegative(json.path("swap"), "swapUsageBytes"));
        }

        void pod(JsonNode json, ScrapeAccumulator acc) {
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
            if (pod.getNetworkRxBytes() != null || pod.getNetworkTxBytes() != null) {
                pod.setNetworkTimestampMillis(time(network.path("time"), true));
            }
            pod.setStartTimeMillis(time(json.path("startTime"), false));
            pod.setEphemeralStorageUsedBytes(nonNegative(json.path("ephemeral-storage"), "usedBytes"));
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
