package dev.metricsstream.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrapeMergerTest {
    @Test
    void resource_values_win_and_summary_fills_what_resource_lacks() throws IOException {
        NodeScrape resource = ResourceMetricsDecoderTest.decode("""
                container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 2 1700000000000
                node_cpu_usage_seconds_total 10 1700000000000
                """).scrape();
        String json = """
                {"node":{"nodeName":"node1","cpu":{"time":"2023-11-14T22:13:19Z","usageCoreNanoSeconds":9},
                  "memory":{"time":"2023-11-14T22:13:19Z","workingSetBytes":100,"rssBytes":50}},
                 "pods":[{"podRef":{"name":"p","namespace":"n","uid":"u-1"},"startTime":"2023-11-14T22:00:00Z",
                   "network":{"time":"2023-11-14T22:13:18Z","rxBytes":7,"txBytes":8},
                   "ephemeral-storage":{"usedBytes":4096},
                   "containers":[{"name":"c","cpu":{"usageCoreNanoSeconds":1},"memory":{"workingSetBytes":3}},
                                 {"name":"d","memory":{"workingSetBytes":4}}]},
                  {"podRef":{"name":"q","namespace":"n","uid":"u-2"},"containers":[]}]}
                """;
        NodeScrape summary = new SummaryDecoder().decode(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "node1", 5).scrape();

        NodeScrape merged = ScrapeMerger.merge(resource, summary, ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY);

        assertEquals(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY, merged.getSource());
        assertEquals(10_000_000_000L, merged.getNode().getCumulativeCpuNanos());
        assertEquals(100L, merged.getNode().getMemoryWorkingSetBytes());
        assertEquals(50L, merged.getNode().getMemoryRssBytes());
        assertEquals(2, merged.getPods().size());
        PodSample p = merged.getPods().get(0);
        assertEquals("u-1", p.getUid());
        assertEquals(7L, p.getNetworkRxBytes());
        assertEquals(1_700_000_000_000L - 2_000L, p.getNetworkTimestampMillis());
        assertEquals(1_699_999_200_000L, p.getStartTimeMillis());
        assertEquals(4096L, p.getEphemeralStorageUsedBytes());
        ContainerSample c = p.getContainers().get(0);
        assertEquals(2_000_000_000L, c.getCumulativeCpuNanos());
        assertEquals(3L, c.getMemoryWorkingSetBytes());
        assertNull(p.getContainers().get(1).getCumulativeCpuNanos());
        assertNull(summary.getPods().get(0).getContainers().get(1).getCumulativeCpuNanos());
    }
}
