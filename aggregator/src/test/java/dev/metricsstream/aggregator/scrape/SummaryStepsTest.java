package dev.metricsstream.aggregator.scrape;

import static dev.metricsstream.aggregator.scrape.ScrapeStepTest.NODE_START;
import static dev.metricsstream.aggregator.scrape.ScrapeStepTest.T;
import static dev.metricsstream.aggregator.scrape.ScrapeStepTest.apply;
import static dev.metricsstream.aggregator.scrape.ScrapeStepTest.scrapeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.avro.SummaryUsage;
import org.junit.jupiter.api.Test;

/** The /stats/summary values through the whole scrape step, as they reach node-usage. */
class SummaryStepsTest {
    private static final long RX_PER_SECOND = 125_000;   // pod ns/a receives 1 Mbit/s
    private static final long TX_PER_SECOND = 40_000;

    /** {@link ScrapeStepTest#scrapeAt} as /stats/summary reports it: network counters, RSS, ephemeral storage. */
    static NodeScrape summaryAt(long seconds) {
        NodeScrape scrape = scrapeAt(seconds);
        scrape.setSource(ScrapeSource.STATS_SUMMARY);
        long networkTime = T + seconds * 1000 - 700; // the kubelet reads the network a little before the CPU
        scrape.getNode().setNetworkTimestampMillis(networkTime);
        scrape.getNode().setNetworkRxBytes(9_000_000L + seconds * 4 * RX_PER_SECOND);
        scrape.getNode().setNetworkTxBytes(9_000_000L + seconds * 4 * TX_PER_SECOND);
        scrape.getNode().setMemoryRssBytes(700L << 20);
        scrape.getNode().setFsUsedBytes(30L << 30);
        for (PodSample pod : scrape.getPods()) {
            pod.setStartTimeMillis(NODE_START);
            pod.setNetworkTimestampMillis(networkTime);
            long factor = pod.getName().equals("a") ? 1 : 2;
            pod.setNetworkRxBytes(1_000_000L + seconds * factor * RX_PER_SECOND);
            pod.setNetworkTxBytes(1_000_000L + seconds * factor * TX_PER_SECOND);
            pod.setEphemeralStorageUsedBytes(factor * 4096);
            pod.getContainers().forEach(c -> c.setMemoryRssBytes(factor * (8L << 20)));
        }
        return scrape;
    }

    private static NodeUsage usage(NodeState state) {
        return NodeUsages.of("node1", null, 15_000, state);
    }

    private static SummaryUsage pod(NodeUsage usage, String name) {
        return usage.getPods().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getSummary();
    }

    @Test
    void network_rates_rss_and_ephemeral_storage_reach_node_usage_for_pods_and_node() {
        NodeState first = apply(null, summaryAt(0)).next();
        NodeState second = apply(first, summaryAt(15)).next();

        NodeUsage usage = usage(second);

        SummaryUsage a = pod(usage, "a");
        assertEquals(125_000.0, a.getNetworkReceiveBytesPerSecond(), 1e-6);
        assertEquals(40_000.0, a.getNetworkTransmitBytesPerSecond(), 1e-6);
        assertEquals(T + 15_000 - 700, a.getNetworkTimestampMillis());
        assertEquals(15_000_000_000L, a.getNetworkWindowNanos());
        assertEquals(8L << 20, a.getMemoryRssBytes());
        assertEquals(4096L, a.getEphemeralStorageUsedBytes());
        assertEquals(250_000.0, pod(usage, "b").getNetworkReceiveBytesPerSecond(), 1e-6);
        SummaryUsage node = usage.getNodeSummary();
        assertEquals(500_000.0, node.getNetworkReceiveBytesPerSecond(), 1e-6);
        assertEquals(700L << 20, node.getMemoryRssBytes());
        assertEquals(30L << 30, node.getEphemeralStorageUsedBytes(), "the node's is its root filesystem");
    }

    @Test
    void first_scrape_serves_gauges_but_no_network_rate_yet() {
        NodeState first = apply(null, summaryAt(0)).next();
        NodeState second = apply(first, summaryAt(15)).next();
        // pods appear on node-usage with their first CPU rate; the node's gauges are there from the first scrape
        SummaryUsage node = usage(first).getNodeSummary();
        assertNotNull(node);
        assertNull(node.getNetworkReceiveBytesPerSecond(), "one point is no rate: absent, not zero");
        assertEquals(700L << 20, node.getMemoryRssBytes());
        assertNotNull(pod(usage(second), "a").getNetworkReceiveBytesPerSecond());
    }

    @Test
    void scrapes_from_metrics_resource_alone_carry_no_summary_values_never_zero() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();

        NodeUsage usage = usage(state);

        assertEquals(2, usage.getPods().size(), "the pods are served");
        usage.getPods().forEach(p -> assertNull(p.getSummary(), p.getName()));
        assertNull(usage.getNodeSummary());
        assertTrue(state.summary().isEmpty(), "nothing is stored for them either");
    }

    @Test
    void a_replayed_scrape_gives_no_new_network_output() {
        NodeState second = apply(apply(null, summaryAt(0)).next(), summaryAt(15)).next();

        ScrapeStep.Result replay = apply(second, summaryAt(0));
        ScrapeStep.Result third = apply(replay.next(), summaryAt(30));

        assertTrue(replay.ignoredAsReplay());
        assertEquals(second.summary(), replay.next().summary());
        assertEquals(125_000.0, pod(usage(third.next()), "a").getNetworkReceiveBytesPerSecond(), 1e-6,
                "the rate after a replay is still exact");
    }

    @Test
    void a_pod_whose_counters_go_down_has_no_rate_until_its_next_scrape() {
        NodeState second = apply(apply(null, summaryAt(0)).next(), summaryAt(15)).next();
        NodeScrape reset = summaryAt(30);
        PodSample a = reset.getPods().get(0);
        a.setNetworkRxBytes(10L);
        NodeScrape after = summaryAt(45);
        after.getPods().get(0).setNetworkRxBytes(10L + 15 * 1_000);
        after.getPods().get(0).setNetworkTxBytes(a.getNetworkTxBytes() + 15 * 2_000);

        NodeState resetState = apply(second, reset).next();
        NodeState afterState = apply(resetState, after).next();

        SummaryUsage atReset = pod(usage(resetState), "a");
        assertNull(atReset.getNetworkReceiveBytesPerSecond());
        assertNull(atReset.getNetworkTransmitBytesPerSecond());
        assertEquals(8L << 20, atReset.getMemoryRssBytes(), "the gauges are unaffected");
        assertEquals(250_000.0, pod(usage(resetState), "b").getNetworkReceiveBytesPerSecond(), 1e-6);
        assertEquals(1_000.0, pod(usage(afterState), "a").getNetworkReceiveBytesPerSecond(), 1e-6);
        assertEquals(2_000.0, pod(usage(afterState), "a").getNetworkTransmitBytesPerSecond(), 1e-6);
    }

    @Test
    void a_pod_recreated_under_the_same_name_starts_its_network_rate_over() {
        NodeState second = apply(apply(null, summaryAt(0)).next(), summaryAt(15)).next();
        NodeScrape recreated = summaryAt(30);
        recreated.getPods().get(0).setStartTimeMillis(T + 20_000);

        NodeState state = apply(second, recreated).next();

        assertNull(pod(usage(state), "a").getNetworkReceiveBytesPerSecond());
    }

    @Test
    void a_scrape_without_the_summary_keeps_the_counter_points_but_serves_no_rate() {
        NodeState second = apply(apply(null, summaryAt(0)).next(), summaryAt(15)).next();

        NodeState resourceOnly = apply(second, scrapeAt(30)).next();
        NodeState back = apply(resourceOnly, summaryAt(45)).next();

        assertNull(pod(usage(resourceOnly), "a"), "nothing of the summary is served from an older scrape");
        assertEquals(125_000.0, pod(usage(back), "a").getNetworkReceiveBytesPerSecond(), 1e-6,
                "rated over the 30 s since the last counters");
        assertEquals(30_000_000_000L, pod(usage(back), "a").getNetworkWindowNanos());
    }
}
