package dev.metricsstream.testkit.kubelet;

/**
 * The true network throughput of a running pod, or of a node ({@code namespace} and {@code pod} null), as
 * {@code /stats/summary}'s cumulative counters encode it: a pipeline's rate over any two scrapes must equal it.
 *
 * @param node                   node name
 * @param namespace              pod namespace, null for the node itself
 * @param pod                    pod name, null for the node itself
 * @param receiveBytesPerSecond  bytes received per second
 * @param transmitBytesPerSecond bytes sent per second
 */
public record NetworkTruth(String node, String namespace, String pod, long receiveBytesPerSecond,
        long transmitBytesPerSecond) {
}
