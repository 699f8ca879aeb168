package dev.metricsstream.testkit.kubelet;

/**
 * Which kubelet generation's {@code /metrics/resource} exposition to write. Families are always sorted by name and
 * series by label values, labels in name order ({@code container, namespace, pod}), as client_golang gathers them.
 */
public enum ResourceMetricsFormat {
    /**
     * As the 2021 kind capture ({@code metrics-resource_kind-e2e_2021-10_70pods.prom}): {@code [ALPHA]} HELP texts,
     * no {@code container_start_time_seconds}, {@code scrape_error}.
     */
    ALPHA_2021,
    /**
     * As the 2024-01 kind capture ({@code metrics-resource_kind-private-cloud-worker_2024-01_multicontainer.prom}):
     * {@code [ALPHA]} HELP texts, {@code container_start_time_seconds} whose sample timestamp is the start time
     * itself, {@code scrape_error}.
     */
    ALPHA_2024,
    /**
     * The current kubelet (kubernetes {@code pkg/kubelet/metrics/collectors/resource_metrics.go}, kubelet ≥ 1.30):
     * {@code [STABLE]} HELP texts, {@code container_start_time_seconds} without a timestamp, the {@code [ALPHA]} swap
     * families ({@code container_swap_limit_bytes}, {@code container_swap_usage_bytes}, {@code node_swap_usage_bytes},
     * {@code pod_swap_usage_bytes}) and {@code resource_scrape_error} (the deprecated {@code scrape_error} hidden).
     */
    STABLE
}
