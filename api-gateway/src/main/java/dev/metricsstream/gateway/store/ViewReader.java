package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.SummaryUsage;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The pods and nodes of a {@link NodeUsageView} as a {@link MetricsStoreReader}, with no windows. {@link GatewayStore}
 * is this plus the loaders and the windows; benches and tests use it over a view they fill themselves.
 */
public class ViewReader implements MetricsStoreReader {
    protected final NodeUsageView view;

    public ViewReader(NodeUsageView view) {
        this.view = view;
    }

    @Override
    public Optional<NodeMetrics> node(String name) {
        return view.node(name);
    }

    @Override
    public void forEachNode(Consumer<NodeMetrics> action) {
        view.forEachNode(action);
    }

    @Override
    public Optional<PodMetrics> pod(String namespace, String name) {
        return view.pod(namespace, name).map(NodeUsageView.StoredPod::metrics);
    }

    @Override
    public void forEachPodInNamespace(String namespace, Consumer<PodMetrics> action) {
        view.forEachPod(namespace, pod -> action.accept(pod.metrics()));
    }

    @Override
    public Optional<SummaryUsage> podSummary(String namespace, String name) {
        return view.pod(namespace, name).map(NodeUsageView.StoredPod::summary);
    }

    @Override
    public Optional<SummaryUsage> nodeSummary(String name) {
        return view.nodeSummary(name);
    }

    @Override
    public void forEachPodSummaryInNamespace(String namespace, BiConsumer<PodMetrics, SummaryUsage> action) {
        view.forEachPod(namespace, pod -> action.accept(pod.metrics(), pod.summary()));
    }

    @Override
    public void forEachPod(Consumer<PodMetrics> action) {
        view.forEachPod(null, pod -> action.accept(pod.metrics()));
    }

    @Override
    public void forEachPodItem(String namespace, PodItemAction action) {
        view.forEachPod(namespace, pod -> action.accept(pod.metrics(), pod.json()));
    }

    /** None here; {@link GatewayStore} has them. */
    @Override
    public void forEachLatestWindow(Consumer<MetricsWindow> action) {
    }

    @Override
    public long nodeCount() {
        return view.nodeCount();
    }

    @Override
    public long podCount() {
        return view.podCount();
    }

    @Override
    public long windowCount() {
        return 0;
    }
}
