package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.window.OpenWindows;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the aggregator remembers of one node, stored under the node name: one read and one write per scrape.
 *
 * @param newestSampleMillis  newest kubelet sample time applied (kubelet clock); a scrape with nothing newer is a
 *                              replay, a duplicate or a cached kubelet answer
 * @param lastSeenMillis        aggregator wall clock when that scrape was applied (staleness is judged on this)
 * @param node                  the node's own points, null when the newest scrape had no complete node sample
 * @param nodeEmittedTimestampMillis sample time of the last NodeMetrics emitted, {@link PodState#NOT_EMITTED} if none
 * @param pods                  per pod key ({@code namespace/name})
 * @param nodeUsage             the node usage last emitted (what node-metrics holds), null when none is live
 * @param windowWatermarkMillis newest sample time the windows have seen (a window closes when it passes the
 *                              window's end + grace); {@link #NO_WATERMARK} before the first sample
 * @param windows               what is still open of the node's windows (their samples are in the window sample
 *                              store, one chunk per scrape, not here)
 * @param summary               {@code /stats/summary} values and network counter points per entity (the node name,
 *                              or a pod key); empty when the node is not scraped from {@code /stats/summary}
 */
public record NodeState(long newestSampleMillis, long lastSeenMillis, StoredPoints node,
                        long nodeEmittedTimestampMillis, Map<String, PodState> pods, Usage nodeUsage,
                        long windowWatermarkMillis, OpenWindows windows, Map<String, SummaryState> summary) {

    public static final long NO_WATERMARK = Long.MIN_VALUE;

    public NodeState {
        pods = java.util.Collections.unmodifiableMap(new TreeMap<>(pods));
        windows = windows == null ? OpenWindows.none() : windows;
        summary = summary == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(summary));
    }

    /** A state without {@code /stats/summary} values. */
    public NodeState(long newestSampleMillis, long lastSeenMillis, StoredPoints node,
                     long nodeEmittedTimestampMillis, Map<String, PodState> pods, Usage nodeUsage,
                     long windowWatermarkMillis, OpenWindows windows) {
        this(newestSampleMillis, lastSeenMillis, node, nodeEmittedTimestampMillis, pods, nodeUsage,
                windowWatermarkMillis, windows, null);
    }

    /** A state without windows (tests and the rate path only). */
    public NodeState(long newestSampleMillis, long lastSeenMillis, StoredPoints node,
                     long nodeEmittedTimestampMillis, Map<String, PodState> pods) {
        this(newestSampleMillis, lastSeenMillis, node, nodeEmittedTimestampMillis, pods, null, NO_WATERMARK,
                null);
    }

    public boolean nodeEmitted() {
        return nodeEmittedTimestampMillis != PodState.NOT_EMITTED;
    }

    /** True while something of the node is live on node-metrics/pod-metrics or remembered for rates. */
    public boolean live() {
        return node != null || nodeEmitted() || !pods.isEmpty();
    }

    public NodeState withWindows(long watermarkMillis, OpenWindows open) {
        return new NodeState(newestSampleMillis, lastSeenMillis, node, nodeEmittedTimestampMillis, pods, nodeUsage,
                watermarkMillis, open, summary);
    }

    /**
     * What is left after the node was tombstoned as stale: only its open windows (so scrapes delivered late, e.g.
     * buffered by a collector through a broker outage, still land in them). Rates start over as for a new node.
     */
    public NodeState windowsOnly() {
        return new NodeState(Long.MIN_VALUE, lastSeenMillis, null, PodState.NOT_EMITTED, Map.of(), null,
                windowWatermarkMillis, windows);
    }
}
