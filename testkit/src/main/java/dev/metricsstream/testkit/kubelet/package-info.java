/**
 * A kubelet simulator for tests, the standalone mode and benchmarks, plus the real kubelet captures.
 *
 * <ul>
 *   <li>{@link dev.metricsstream.testkit.kubelet.KubeletSimulator}: N simulated nodes, each a real loopback HTTP(S)
 *       server speaking the kubelet's wire formats ({@code /metrics/resource}, {@code /stats/summary}, {@code /pods},
 *       {@code /healthz}); built with {@code KubeletSimulator.builder()...build().start()}.</li>
 *   <li>{@link dev.metricsstream.testkit.kubelet.SimNode}, {@link dev.metricsstream.testkit.kubelet.SimPod},
 *       {@link dev.metricsstream.testkit.kubelet.SimContainer}: change the fleet while it runs (CPU rate, memory
 *       level, restarts, pods added/deleted, phases, failure modes) and read back the truth.</li>
 *   <li>{@link dev.metricsstream.testkit.kubelet.SimClock}: simulated time, so a test moves 15 s ahead without
 *       sleeping.</li>
 *   <li>{@link dev.metricsstream.testkit.kubelet.Fixtures}: the real captures (with their provenance) on the
 *       classpath, for parser tests in other modules.</li>
 * </ul>
 */
package dev.metricsstream.testkit.kubelet;
