package dev.metricsstream.aggregator.window;

import java.util.Map;

/**
 * One published value as the windows count it: a node's, or a pod's summed over its containers.
 *
 * @param entity the node name, or the pod key ({@code namespace/name})
 */
public record WindowSample(String entity, long timestampMillis, long cpuNanocores, long memoryBytes,
                           Map<String, String> labels) {
}
