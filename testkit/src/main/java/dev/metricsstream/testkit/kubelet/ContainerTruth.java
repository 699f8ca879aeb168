package dev.metricsstream.testkit.kubelet;

import java.time.Instant;

/**
 * What is really going on in one running container of a running pod: the answer a pipeline fed by the simulator
 * should reproduce.
 *
 * @param node node name
 * @param namespace pod namespace
 * @param pod pod name
 * @param container container name
 * @param cpuNanocores the CPU rate currently set (1 core = 1e9 nanocores)
 * @param memoryWorkingSetBytes the working set a scrape now reports (at the container's latest sample time)
 * @param startTime start time of the current container instance
 * @param restartCount restarts so far
 */
public record ContainerTruth(String node, String namespace, String pod, String container, long cpuNanocores,
        long memoryWorkingSetBytes, Instant startTime, int restartCount) {
}
