package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.gateway.api.ListItemJson;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Read side of the gateway's local copy of the aggregator's output (the seam metrics-server calls
 * {@code PodMetricsGetter}/{@code NodeMetricsGetter}). Iteration is by callback so that an implementation over a
 * state store opens and closes its iterator itself (try-with-resources) and the caller cannot leak it.
 * Implementations return what they hold; freshness is the caller's policy ({@link Freshness}). Records handed out
 * are shared and must not be modified.
 */
public interface MetricsStoreReader {
    Optional<NodeMetrics> node(String name);

    /** Every node, in name order. */
    void forEachNode(Consumer<NodeMetrics> action);

    Optional<PodMetrics> pod(String namespace, String name);

    /** The pods of one namespace, in name order: a range scan. */
    void forEachPodInNamespace(String namespace, Consumer<PodMetrics> action);

    /** Every pod, ordered by namespace then name (the order metrics-server lists them in). */
    void forEachPod(Consumer<PodMetrics> action);

    /**
     * What a pod list response needs: the pods of {@code namespace} (every pod when null), in namespace-then-name
     * order, each with its list item pre-rendered as JSON.
     */
    void forEachPodItem(String namespace, PodItemAction action);

    /** Receives one pod and its pre-rendered list item. */
    @FunctionalInterface
    interface PodItemAction {
        void accept(PodMetrics pod, ListItemJson json);
    }

    /**
     * A served pod's {@code /stats/summary} values (network rates, RSS, ephemeral storage) as of its node's newest
     * scrape; empty when the pod is not served or the scrape had none (the collector does not read the summary).
     */
    default Optional<SummaryUsage> podSummary(String namespace, String name) {
        return Optional.empty();
    }

    /** A served node's own {@code /stats/summary} values; empty as for {@link #podSummary}. */
    default Optional<SummaryUsage> nodeSummary(String name) {
        return Optional.empty();
    }

    /**
     * The pods of one namespace in name order, each with its {@code /stats/summary} values (null when it has
     * none). This default looks each pod up; a store that keeps them together answers in one pass.
     */
    default void forEachPodSummaryInNamespace(String namespace, BiConsumer<PodMetrics, SummaryUsage> action) {
        forEachPodInNamespace(namespace, pod -> action.accept(pod,
                podSummary(namespace, pod.getName()).orElse(null)));
    }

    /** The newest closed window per entity and window size. */
    void forEachLatestWindow(Consumer<MetricsWindow> action);

    /**
     * The newest closed windows of entities of one kind whose entity name starts with {@code entityPrefix}
     * ({@code "shop/"}: one namespace's pods; a pod's or node's full name: that entity, plus any whose name extends
     * it). Implementations over a sorted map answer with a range scan; this default scans every window.
     */
    default void forEachLatestWindow(EntityKind kind, String entityPrefix, Consumer<MetricsWindow> action) {
        forEachLatestWindow(window -> {
            if (window.getEntityKind() == kind && window.getEntity().startsWith(entityPrefix)) {
                action.accept(window);
            }
        });
    }

    long nodeCount();

    long podCount();

    long windowCount();
}
