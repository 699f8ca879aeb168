package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.StoredPoints;
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
 */
public record NodeState(long newestSampleMillis, long lastSeenMillis, StoredPoints node,
                        long nodeEmittedTimestampMillis, Map<String, PodState> pods) {

    public NodeState {
        pods = java.util.Collections.unmodifiableMap(new TreeMap<>(pods));
    }

    public boolean nodeEmitted() {
        return nodeEmittedTimestampMillis != PodState.NOT_EMITTED;
    }
}
