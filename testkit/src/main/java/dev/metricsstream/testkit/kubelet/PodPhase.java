package dev.metricsstream.testkit.kubelet;

/**
 * Pod phases the simulator models. Only {@link #RUNNING} pods have stats in {@code /metrics/resource} and
 * {@code /stats/summary} (the Linux kubelet removes terminated containers from its stats); every pod is in
 * {@code /pods}.
 */
public enum PodPhase {
    /** Accepted, containers not started yet ({@code waiting: ContainerCreating}). */
    PENDING("Pending"),
    /** Containers running. */
    RUNNING("Running"),
    /** All containers exited with 0 ({@code terminated: Completed}). */
    SUCCEEDED("Succeeded");

    private final String wireName;

    PodPhase(String wireName) {
        this.wireName = wireName;
    }

    /** The phase as Kubernetes writes it ({@code "Running"}). */
    public String wireName() {
        return wireName;
    }
}
