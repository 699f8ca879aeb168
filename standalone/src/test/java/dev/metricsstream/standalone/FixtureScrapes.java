package dev.metricsstream.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.testkit.kubelet.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeScrapes built from the real kubelet {@code /stats/summary} captures (testkit's {@link Fixtures}; the
 * collector's parser was not on main when this was written; this reads only the fields the aggregator uses, the way
 * metrics-server's summary decoder did: {@code cpu.usageCoreNanoSeconds}, {@code cpu.time},
 * {@code memory.workingSetBytes}, {@code startTime}). {@link #advanced} makes the "next scrape" of the same node:
 * every timestamp {@code seconds} later and every non-zero counter grown by a known rate.
 */
final class FixtureScrapes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FixtureScrapes() {
    }

    static NodeScrape summary(String fixture) {
        try (InputStream in = Fixtures.open(fixture)) {
            JsonNode root = JSON.readTree(in);
            JsonNode node = root.path("node");
            List<PodSample> pods = new ArrayList<>();
            for (JsonNode pod : root.path("pods")) {
                List<ContainerSample> containers = new ArrayList<>();
                for (JsonNode container : pod.path("containers")) {
                    containers.add(ContainerSample.newBuilder()
                            .setName(container.path("name").asText())
                            .setStartTimeMillis(time(container.path("startTime")))
                            .setCumulativeCpuNanos(number(container.path("cpu").path("usageCoreNanoSeconds")))
                            .setCpuTimestampMillis(time(container.path("cpu").path("time")))
                            .setMemoryWorkingSetBytes(number(container.path("memory").path("workingSetBytes")))
                            .setMemoryTimestampMillis(time(container.path("memory").path("time")))
                            .build());
                }
                pods.add(PodSample.newBuilder()
                        .setNamespace(pod.path("podRef").path("namespace").asText())
                        .setName(pod.path("podRef").path("name").asText())
                        .setUid(pod.path("podRef").path("uid").asText(null))
                        .setPhase(null) // no metadata in a summary: taken as Running
                        .setContainers(containers)
                        .build());
            }
            Long nodeTime = time(node.path("cpu").path("time"));
            return NodeScrape.newBuilder()
                    .setNodeName(node.path("nodeName").asText())
                    .setScrapeTimeMillis(nodeTime)
                    .setSource(ScrapeSource.STATS_SUMMARY)
                    .setNode(NodeSample.newBuilder()
                            .setStartTimeMillis(time(node.path("startTime")))
                            .setCumulativeCpuNanos(number(node.path("cpu").path("usageCoreNanoSeconds")))
                            .setCpuTimestampMillis(nodeTime)
                            .setMemoryWorkingSetBytes(number(node.path("memory").path("workingSetBytes")))
                            .setMemoryTimestampMillis(time(node.path("memory").path("time")))
                            .build())
                    .setPods(pods)
                    .setNodeInfo(null)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CPU rate {@link #advanced} gives the i-th (0-based) non-zero container of the scrape, in nanocores. */
    static long rateNanocores(int index) {
        return 10_000_000L * (index + 1);
    }

    /** The node's CPU rate in {@link #advanced}. */
    static final long NODE_RATE_NANOCORES = 1_250_000_000L;

    /** The same node {@code seconds} later: counters of non-zero containers grown by {@link #rateNanocores}. */
    static NodeScrape advanced(NodeScrape scrape, long seconds, Map<String, Long> expectedRates) {
        NodeScrape next = NodeScrape.newBuilder(scrape).build();
        long shiftMillis = seconds * 1000;
        next.setScrapeTimeMillis(scrape.getScrapeTimeMillis() + shiftMillis);
        NodeSample node = next.getNode();
        node.setCpuTimestampMillis(node.getCpuTimestampMillis() + shiftMillis);
        node.setMemoryTimestampMillis(node.getMemoryTimestampMillis() + shiftMillis);
        node.setCumulativeCpuNanos(node.getCumulativeCpuNanos() + NODE_RATE_NANOCORES * seconds);
        int index = 0;
        for (PodSample pod : next.getPods()) {
            for (ContainerSample container : pod.getContainers()) {
                container.setCpuTimestampMillis(container.getCpuTimestampMillis() + shiftMillis);
                container.setMemoryTimestampMillis(container.getMemoryTimestampMillis() + shiftMillis);
                if (container.getCumulativeCpuNanos() != null && container.getCumulativeCpuNanos() > 0) {
                    long rate = rateNanocores(index++);
                    container.setCumulativeCpuNanos(container.getCumulativeCpuNanos() + rate * seconds);
                    expectedRates.put(pod.getNamespace() + "/" + pod.getName() + "/" + container.getName(), rate);
                }
            }
        }
        return next;
    }

    private static Long time(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? null : Instant.parse(value.asText()).toEpochMilli();
    }

    private static Long number(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? null : value.asLong();
    }
}
