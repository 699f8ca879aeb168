package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.gateway.api.ListItemJson;
import dev.metricsstream.gateway.api.MetricsJson;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * A {@link MetricsStoreReader} over sorted concurrent maps, filled by calling {@code put}/{@code remove}. Used by the
 * HTTP tests and the benchmarks, where the Kafka-fed store would only add start-up time; it keeps the same key
 * order as the Kafka-fed store ({@link StoreKeys}).
 */
public final class InMemoryMetricsStore implements MetricsStoreReader {
    private final ConcurrentSkipListMap<String, NodeMetrics> nodes = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, PodMetrics> pods = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, ListItemJson> podItems = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, MetricsWindow> windows = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, SummaryUsage> podSummaries = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, SummaryUsage> nodeSummaries = new ConcurrentSkipListMap<>();

    /** The pod's {@code /stats/summary} values; served only while the pod is. */
    public InMemoryMetricsStore putPodSummary(String namespace, String name, SummaryUsage summary) {
        podSummaries.put(StoreKeys.pod(namespace, name), summary);
        return this;
    }

    /** The node's {@code /stats/summary} values; served only while the node is. */
    public InMemoryMetricsStore putNodeSummary(String name, SummaryUsage summary) {
        nodeSummaries.put(name, summary);
        return this;
    }

    @Override
    public Optional<SummaryUsage> podSummary(String namespace, String name) {
        String key = StoreKeys.pod(namespace, name);
        return pods.containsKey(key) ? Optional.ofNullable(podSummaries.get(key)) : Optional.empty();
    }

    @Override
    public Optional<SummaryUsage> nodeSummary(String name) {
        return nodes.containsKey(name) ? Optional.ofNullable(nodeSummaries.get(name)) : Optional.empty();
    }

    public InMemoryMetricsStore putNode(NodeMetrics node) {
        nodes.put(node.getNodeName(), node);
        return this;
    }

    public InMemoryMetricsStore putPod(PodMetrics pod) {
        String key = StoreKeys.pod(pod.getNamespace(), pod.getName());
        podItems.put(key, MetricsJson.podListItem(pod));
        pods.put(key, pod);
        return this;
    }

    public InMemoryMetricsStore putWindow(MetricsWindow window) {
        String key = StoreKeys.window(window.getEntityKind().name(), window.getEntity(), window.getWindowSizeMillis());
        windows.merge(key, window, (old, candidate) ->
                candidate.getWindowStartMillis() >= old.getWindowStartMillis() ? candidate : old);
        return this;
    }

    public void removeNode(String name) {
        nodes.remove(name);
    }

    public void removePod(String namespace, String name) {
        pods.remove(StoreKeys.pod(namespace, name));
        podItems.remove(StoreKeys.pod(namespace, name));
    }

    @Override
    public Optional<NodeMetrics> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    @Override
    public void forEachNode(Consumer<NodeMetrics> action) {
        nodes.values().forEach(action);
    }

    @Override
    public Optional<PodMetrics> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(StoreKeys.pod(namespace, name)));
    }

    @Override
    public void forEachPodInNamespace(String namespace, Consumer<PodMetrics> action) {
        String prefix = StoreKeys.namespacePrefix(namespace);
        pods.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values().forEach(action);
    }

    @Override
    public void forEachPod(Consumer<PodMetrics> action) {
        pods.values().forEach(action);
    }

    @Override
    public void forEachPodItem(String namespace, PodItemAction action) {
        var selected = namespace == null ? pods
                : pods.subMap(StoreKeys.namespacePrefix(namespace), true,
                        StoreKeys.namespacePrefix(namespace) + Character.MAX_VALUE, false);
        selected.forEach((key, pod) -> {
            ListItemJson json = podItems.get(key);
            action.accept(pod, json != null ? json : MetricsJson.podListItem(pod));
        });
    }

    @Override
    public void forEachLatestWindow(Consumer<MetricsWindow> action) {
        windows.values().forEach(action);
    }

    @Override
    public void forEachLatestWindow(EntityKind kind, String entityPrefix, Consumer<MetricsWindow> action) {
        String from = StoreKeys.windowPrefix(kind.name(), entityPrefix);
        windows.subMap(from, true, from + Character.MAX_VALUE, false).values().forEach(action);
    }

    @Override
    public long nodeCount() {
        return nodes.size();
    }

    @Override
    public long podCount() {
        return pods.size();
    }

    @Override
    public long windowCount() {
        return windows.size();
    }
}
