package dev.metricsstream.testkit.kubelet;

/**
 * The true usage of a node: system overhead plus every running container.
 *
 * @param node node name
 * @param cpuNanocores current CPU rate of the whole node
 * @param memoryWorkingSetBytes the node working set a scrape now reports
 */
public record NodeTruth(String node, long cpuNanocores, long memoryWorkingSetBytes) {
}
