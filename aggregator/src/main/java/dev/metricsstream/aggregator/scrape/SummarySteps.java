package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.CounterPoint;
import dev.metricsstream.aggregator.rate.CounterPoints;
import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.NetworkRateRule;
import dev.metricsstream.aggregator.state.SummaryState;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies one scrape's {@code /stats/summary} values to what is remembered of them: the network counters of the
 * node and of each pod through {@link NetworkRateRule}, the latest RSS (a pod's: the sum over its containers that
 * report one) and ephemeral storage (a pod's {@code ephemeral-storage.usedBytes}; the node's root filesystem
 * {@code fs.usedBytes}). Entities missing from the scrape are forgotten, as their usage is; a scrape without
 * summary values (the collector reads {@code /metrics/resource} only) leaves nothing, so nothing is served.
 */
public final class SummarySteps {

    private SummarySteps() {
    }

    /**
     * @param previous what was remembered, keyed by the node name and by pod key ({@code namespace/name})
     * @param scrape   the new scrape (already known not to be a replay)
     * @return what to remember now, same keys; entities with nothing to remember are left out
     */
    public static Map<String, SummaryState> apply(Map<String, SummaryState> previous, NodeScrape scrape) {
        Map<String, SummaryState> next = new HashMap<>();
        NodeSample node = scrape.getNode();
        if (node != null) {
            put(next, scrape.getNodeName(), step(previous.get(scrape.getNodeName()),
                    point(node.getStartTimeMillis(), node.getNetworkTimestampMillis(), node.getNetworkRxBytes(),
                            node.getNetworkTxBytes()),
                    node.getMemoryRssBytes(), node.getFsUsedBytes()));
        }
        for (PodSample pod : scrape.getPods()) {
            String key = ScrapeStep.podKey(pod);
            if (next.containsKey(key)) {
                continue; // duplicate pod in the scrape: the first counts, as for its usage
            }
            put(next, key, step(previous.get(key),
                    point(pod.getStartTimeMillis(), pod.getNetworkTimestampMillis(), pod.getNetworkRxBytes(),
                            pod.getNetworkTxBytes()),
                    rssBytes(pod), pod.getEphemeralStorageUsedBytes()));
        }
        return next;
    }

    private static void put(Map<String, SummaryState> next, String key, SummaryState state) {
        if (!state.isEmpty()) {
            next.put(key, state);
        }
    }

    private static SummaryState step(SummaryState before, CounterPoint point, Long rssBytes, Long ephemeralBytes) {
        CounterPoints stored = before == null ? null : before.network();
        if (point == null) {
            // this scrape had no counters (e.g. /stats/summary failed and /metrics/resource went out alone): keep
            // the points so the next scrape has a rate again, serve none now
            return new SummaryState(stored, false, rssBytes, ephemeralBytes);
        }
        return new SummaryState(NetworkRateRule.apply(stored, point).stored(), true, rssBytes, ephemeralBytes);
    }

    /** A counter point, or null unless both counters and their time are known. */
    static CounterPoint point(Long startTimeMillis, Long timestampMillis, Long receiveBytes, Long transmitBytes) {
        if (timestampMillis == null || receiveBytes == null || transmitBytes == null) {
            return null;
        }
        long start = startTimeMillis == null ? MetricsPoint.UNKNOWN_START_TIME_MILLIS : startTimeMillis;
        return new CounterPoint(start, timestampMillis, receiveBytes, transmitBytes);
    }

    /** The sum of the containers' RSS, or null when none reports one. */
    static Long rssBytes(PodSample pod) {
        long sum = 0;
        boolean any = false;
        for (ContainerSample container : pod.getContainers()) {
            if (container.getMemoryRssBytes() != null) {
                sum += container.getMemoryRssBytes();
                any = true;
            }
        }
        return any ? sum : null;
    }
}
