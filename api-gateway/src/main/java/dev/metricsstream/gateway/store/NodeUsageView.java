package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.ContainerUsage;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.avro.UsageSample;
import dev.metricsstream.gateway.api.ListItemJson;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.api.PodItemRenderer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The decoded, query-ready copy of {@code node-usage}: per node its {@link NodeMetrics} and served pods, and the pods
 * indexed by namespace then name (a selector query scans one namespace). Each record is decoded once, when it is
 * applied, into the records the API writes, and each pod's list item is rendered to JSON then
 * ({@link MetricsJson#podListItem}); requests only read.
 *
 * <p>A node update replaces that node's pods in one step under a write lock: pods missing from the new record
 * disappear, new ones appear, and a reader sees the node either before or after, never half. Readers copy the
 * references they need under the read lock and work outside it, so a slow client never holds up the loader.
 *
 * <p>A pod that moved to another node can briefly be in both nodes' latest records (the old node's next scrape
 * drops it): the copy with the newer sample is served, and when one node's record drops the pod the other copy is
 * served.
 */
public final class NodeUsageView {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // all guarded by lock
    private final TreeMap<String, NodeEntry> nodes = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, StoredPod>> namespaces = new TreeMap<>();
    /** Copies of a pod that another node's record also holds, not served while the served copy is there. */
    private final Map<String, List<StoredPod>> shadowed = new HashMap<>();
    private int servedNodes;
    private int servedPods;

    private volatile long scrapeResolutionMillis;

    /**
     * One pod as served: its record, its pre-rendered list item and its {@code /stats/summary} values (null when its
     * node's newest scrape had none).
     */
    public record StoredPod(PodMetrics metrics, ListItemJson json, SummaryUsage summary) {
    }

    /**
     * One node's latest record, decoded: the node's own usage (null while it has no rate), its pods and its own
     * {@code /stats/summary} values (null when none).
     */
    public record NodeEntry(String name, NodeMetrics metrics, List<StoredPod> pods, SummaryUsage summary) {
    }

    /** Decodes a NodeUsage into what the view stores; pure, done outside the lock. */
    public static NodeEntry decode(NodeUsage usage) {
        String nodeName = usage.getNodeName();
        UsageSample sample = usage.getNode();
        NodeMetrics node = sample == null ? null : NodeMetrics.newBuilder()
                .setNodeName(nodeName).setLabels(Map.copyOf(usage.getLabels()))
                .setTimestampMillis(sample.getTimestampMillis()).setWindowNanos(sample.getWindowNanos())
                .setCpuNanocores(sample.getCpuNanocores()).setMemoryWorkingSetBytes(sample.getMemoryWorkingSetBytes())
                .build();
        List<StoredPod> pods = new ArrayList<>(usage.getPods().size());
        for (PodUsage pod : usage.getPods()) {
            List<ContainerMetrics> containers = new ArrayList<>(pod.getContainers().size());
            for (ContainerUsage container : pod.getContainers()) {
                containers.add(new ContainerMetrics(container.getName(), container.getCpuNanocores(),
                        container.getMemoryWorkingSetBytes()));
            }
            PodMetrics metrics = new PodMetrics(pod.getNamespace(), pod.getName(), nodeName,
                    Map.copyOf(pod.getLabels()), pod.getTimestampMillis(), pod.getWindowNanos(),
                    List.copyOf(containers));
            pods.add(new StoredPod(metrics, MetricsJson.podListItem(metrics), pod.getSummary()));
        }
        return new NodeEntry(nodeName, node, List.copyOf(pods), usage.getNodeSummary());
    }

    /**
     * Decodes like {@link #decode(NodeUsage)}, into equal values and the same JSON, sharing with the node's previous
     * entry what did not change: a pod whose namespace, name and labels are those of a pod in {@code previous} gets
     * that pod's (immutable) label map and the metadata parts of its list item, and only its usage is rendered
     * (by {@code renderer}). Between two scrapes of a node almost every pod is such a pod, so this is what keeps the
     * loader's garbage per update small. Nothing of {@code usage} is kept (its label maps are copied and its summaries
     * too), so the caller may decode the next record into the same objects.
     *
     * @param previous the node's current entry, or null
     */
    public static NodeEntry decode(NodeUsage usage, NodeEntry previous, PodItemRenderer renderer) {
        String nodeName = usage.getNodeName();
        UsageSample sample = usage.getNode();
        NodeMetrics previousNode = previous == null ? null : previous.metrics();
        NodeMetrics node = sample == null ? null : NodeMetrics.newBuilder()
                .setNodeName(nodeName).setLabels(sameOrCopy(previousNode == null ? null : previousNode.getLabels(),
                        usage.getLabels()))
                .setTimestampMillis(sample.getTimestampMillis()).setWindowNanos(sample.getWindowNanos())
                .setCpuNanocores(sample.getCpuNanocores()).setMemoryWorkingSetBytes(sample.getMemoryWorkingSetBytes())
                .build();
        List<StoredPod> previousPods = previous == null ? List.of() : previous.pods();
        List<PodUsage> podUsages = usage.getPods();
        StoredPod[] pods = new StoredPod[podUsages.size()];
        int cursor = 0; // pods come sorted: the previous copy of pod i is usually the next one not yet matched
        for (int i = 0; i < pods.length; i++) {
            PodUsage pod = podUsages.get(i);
            StoredPod before = null;
            if (cursor < previousPods.size() && samePod(previousPods.get(cursor), pod)) {
                before = previousPods.get(cursor++);
            } else {
                for (int j = 0; j < previousPods.size(); j++) {
                    if (samePod(previousPods.get(j), pod)) {
                        before = previousPods.get(j);
                        cursor = j + 1;
                        break;
                    }
                }
            }
            Map<String, String> previousLabels = before == null ? null : before.metrics().getLabels();
            Map<String, String> labels = sameOrCopy(previousLabels, pod.getLabels());
            List<ContainerUsage> containerUsages = pod.getContainers();
            ContainerMetrics[] containers = new ContainerMetrics[containerUsages.size()];
            for (int c = 0; c < containers.length; c++) { // setters: the all-fields constructors box each long
                ContainerUsage container = containerUsages.get(c);
                ContainerMetrics metrics = new ContainerMetrics();
                metrics.setName(container.getName());
                metrics.setCpuNanocores(container.getCpuNanocores());
                metrics.setMemoryWorkingSetBytes(container.getMemoryWorkingSetBytes());
                containers[c] = metrics;
            }
            PodMetrics metrics = new PodMetrics();
            metrics.setNamespace(pod.getNamespace());
            metrics.setName(pod.getName());
            metrics.setNodeName(nodeName);
            metrics.setLabels(labels);
            metrics.setTimestampMillis(pod.getTimestampMillis());
            metrics.setWindowNanos(pod.getWindowNanos());
            metrics.setContainers(List.of(containers));
            ListItemJson json = renderer.render(metrics, labels == previousLabels ? before.json() : null);
            pods[i] = new StoredPod(metrics, json, copy(pod.getSummary()));
        }
        return new NodeEntry(nodeName, node, List.of(pods), copy(usage.getNodeSummary()));
    }

    private static boolean samePod(StoredPod stored, PodUsage pod) {
        return stored.metrics().getName().equals(pod.getName())
                && stored.metrics().getNamespace().equals(pod.getNamespace());
    }

    /** {@code previous} when equal to {@code labels} (it is immutable already), else an immutable copy. */
    private static Map<String, String> sameOrCopy(Map<String, String> previous, Map<String, String> labels) {
        return previous != null && sameEntries(previous, labels) ? previous : Map.copyOf(labels);
    }

    /**
     * Map equality walking the decoded map's entries (a HashMap's are its nodes): {@code Map.equals} on an immutable
     * map makes an entry object per label.
     */
    private static boolean sameEntries(Map<String, String> previous, Map<String, String> labels) {
        if (previous.size() != labels.size()) {
            return false;
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String value = previous.get(label.getKey());
            if (value == null || !value.equals(label.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static SummaryUsage copy(SummaryUsage summary) {
        return summary == null ? null : new SummaryUsage(summary.getNetworkTimestampMillis(),
                summary.getNetworkWindowNanos(), summary.getNetworkReceiveBytesPerSecond(),
                summary.getNetworkTransmitBytesPerSecond(), summary.getMemoryRssBytes(),
                summary.getEphemeralStorageUsedBytes());
    }

    /** The node's current entry (decoded record), or null. */
    public NodeEntry entry(String nodeName) {
        lock.readLock().lock();
        try {
            return nodes.get(nodeName);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Applies a node's newest record (decoded with {@link #decode}), replacing its previous one. The new pods are
     * indexed over the old ones (a pod the node still runs is one map write), then only the old pods the new record
     * no longer holds are taken out: the common update, the same pods with new values, touches each pod once.
     */
    public void put(NodeEntry entry, long scrapeResolutionMillis) {
        if (scrapeResolutionMillis > 0) {
            this.scrapeResolutionMillis = scrapeResolutionMillis;
        }
        lock.writeLock().lock();
        try {
            NodeEntry old = nodes.put(entry.name(), entry);
            if (old != null && old.metrics() != null) {
                servedNodes--;
            }
            index(entry);
            if (old != null) {
                unindexReplaced(old);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The node is gone (tombstone): it and its pods disappear. */
    public void remove(String nodeName) {
        lock.writeLock().lock();
        try {
            NodeEntry old = nodes.remove(nodeName);
            if (old != null) {
                unindex(old);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void index(NodeEntry entry) {
        if (entry.metrics() != null) {
            servedNodes++;
        }
        for (StoredPod pod : entry.pods()) {
            PodMetrics metrics = pod.metrics();
            TreeMap<String, StoredPod> namespace =
                    namespaces.computeIfAbsent(metrics.getNamespace(), k -> new TreeMap<>());
            StoredPod current = namespace.get(metrics.getName());
            if (current == null) {
                namespace.put(metrics.getName(), pod);
                servedPods++;
            } else if (current.metrics().getNodeName().equals(metrics.getNodeName())) {
                // this node's previous copy (or the same pod twice in one record): replaced in place, unless a copy
                // on another node is newer
                namespace.put(metrics.getName(), pod);
                if (!shadowed.isEmpty()) {
                    StoredPod newer = newestShadowAfter(metrics);
                    if (newer != null) {
                        namespace.put(metrics.getName(), newer);
                        shadow(pod);
                    }
                }
            } else if (metrics.getTimestampMillis() >= current.metrics().getTimestampMillis()) {
                namespace.put(metrics.getName(), pod);
                shadow(current);
            } else {
                shadow(pod);
            }
        }
    }

    /** Takes out the pods of a node's previous record that its new record (already indexed) no longer serves. */
    private void unindexReplaced(NodeEntry old) {
        for (StoredPod pod : old.pods()) {
            TreeMap<String, StoredPod> namespace = namespaces.get(pod.metrics().getNamespace());
            StoredPod current = namespace == null ? null : namespace.get(pod.metrics().getName());
            if (current == pod) { // still served: the new record does not have it
                unindexServed(pod, namespace);
            } else if (!shadowed.isEmpty()) {
                unshadow(pod);
            }
        }
    }

    private void unindex(NodeEntry entry) {
        if (entry.metrics() != null) {
            servedNodes--;
        }
        for (StoredPod pod : entry.pods()) {
            TreeMap<String, StoredPod> namespace = namespaces.get(pod.metrics().getNamespace());
            StoredPod current = namespace == null ? null : namespace.get(pod.metrics().getName());
            if (current == pod) {
                unindexServed(pod, namespace);
            } else if (!shadowed.isEmpty()) {
                unshadow(pod);
            }
        }
    }

    /** A served pod goes: the newest copy another node holds takes its place, else the pod disappears. */
    private void unindexServed(StoredPod pod, TreeMap<String, StoredPod> namespace) {
        PodMetrics metrics = pod.metrics();
        StoredPod successor = shadowed.isEmpty() ? null
                : takeNewestShadow(StoreKeys.pod(metrics.getNamespace(), metrics.getName()));
        if (successor != null) {
            namespace.put(metrics.getName(), successor);
        } else {
            namespace.remove(metrics.getName());
            servedPods--;
            if (namespace.isEmpty()) {
                namespaces.remove(metrics.getNamespace());
            }
        }
    }

    /** Forgets this very copy if it was shadowed (the identity: a node's newer copy may be shadowed too). */
    private void unshadow(StoredPod pod) {
        String key = StoreKeys.pod(pod.metrics().getNamespace(), pod.metrics().getName());
        List<StoredPod> copies = shadowed.get(key);
        if (copies != null) {
            copies.removeIf(copy -> copy == pod);
            if (copies.isEmpty()) {
                shadowed.remove(key);
            }
        }
    }

    /** The newest shadowed copy of this pod if newer than {@code than}, taken out of the shadows; else null. */
    private StoredPod newestShadowAfter(PodMetrics than) {
        String key = StoreKeys.pod(than.getNamespace(), than.getName());
        List<StoredPod> copies = shadowed.get(key);
        if (copies == null) {
            return null;
        }
        StoredPod newest = null;
        long newestMillis = than.getTimestampMillis();
        for (StoredPod copy : copies) {
            if (copy.metrics().getTimestampMillis() > newestMillis) {
                newest = copy;
                newestMillis = copy.metrics().getTimestampMillis();
            }
        }
        if (newest != null) {
            copies.remove(newest);
            if (copies.isEmpty()) {
                shadowed.remove(key);
            }
        }
        return newest;
    }

    private void shadow(StoredPod pod) {
        String key = StoreKeys.pod(pod.metrics().getNamespace(), pod.metrics().getName());
        List<StoredPod> copies = shadowed.computeIfAbsent(key, k -> new ArrayList<>(1));
        copies.removeIf(copy -> copy.metrics().getNodeName().equals(pod.metrics().getNodeName()));
        copies.add(pod);
    }

    private StoredPod takeNewestShadow(String key) {
        List<StoredPod> copies = shadowed.get(key);
        if (copies == null) {
            return null;
        }
        StoredPod newest = copies.get(0);
        for (StoredPod copy : copies) {
            if (copy.metrics().getTimestampMillis() > newest.metrics().getTimestampMillis()) {
                newest = copy;
            }
        }
        copies.remove(newest);
        if (copies.isEmpty()) {
            shadowed.remove(key);
        }
        return newest;
    }

    public Optional<NodeMetrics> node(String name) {
        lock.readLock().lock();
        try {
            NodeEntry entry = nodes.get(name);
            return entry == null ? Optional.empty() : Optional.ofNullable(entry.metrics());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The node's {@code /stats/summary} values, while it is served (has a usage sample). */
    public Optional<SummaryUsage> nodeSummary(String name) {
        lock.readLock().lock();
        try {
            NodeEntry entry = nodes.get(name);
            return entry == null || entry.metrics() == null ? Optional.empty() : Optional.ofNullable(entry.summary());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Nodes with a usage sample, in name order. */
    public void forEachNode(Consumer<NodeMetrics> action) {
        List<NodeMetrics> selected;
        lock.readLock().lock();
        try {
            selected = new ArrayList<>(servedNodes);
            for (NodeEntry entry : nodes.values()) {
                if (entry.metrics() != null) {
                    selected.add(entry.metrics());
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        selected.forEach(action);
    }

    /**
     * A window repeats its entity's labels and node name, which the view already holds for a live pod or node. The
     * newest windows are kept per entity and size (three per pod by default), and each decoded its own label map: at
     * 30,000 pods those copies were most of the gateway's live heap (1.6 million strings in a heap histogram). Equal
     * values are taken from this view's objects (immutable) instead, so a window adds no label strings of its own.
     */
    public void shareWith(MetricsWindow window) {
        Map<String, String> labels = null;
        String nodeName = null;
        if (window.getEntityKind() == EntityKind.POD) {
            String entity = window.getEntity();
            int slash = entity.indexOf('/');
            if (slash > 0) {
                PodMetrics pod = pod(entity.substring(0, slash), entity.substring(slash + 1))
                        .map(StoredPod::metrics).orElse(null);
                if (pod != null) {
                    labels = pod.getLabels();
                    nodeName = pod.getNodeName();
                }
            }
        } else if (window.getEntityKind() == EntityKind.NODE) {
            NodeMetrics node = node(window.getEntity()).orElse(null);
            if (node != null) {
                labels = node.getLabels();
                nodeName = node.getNodeName();
            }
        }
        if (labels != null && labels.equals(window.getLabels())) {
            window.setLabels(labels);
        }
        if (nodeName != null && nodeName.equals(window.getNodeName())) {
            window.setNodeName(nodeName);
        }
    }

    public Optional<StoredPod> pod(String namespace, String name) {
        lock.readLock().lock();
        try {
            TreeMap<String, StoredPod> pods = namespaces.get(namespace);
            return pods == null ? Optional.empty() : Optional.ofNullable(pods.get(name));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The pods of one namespace (every pod when null), in namespace-then-name order, as of one moment. */
    public void forEachPod(String namespace, Consumer<StoredPod> action) {
        List<StoredPod> selected;
        lock.readLock().lock();
        try {
            if (namespace == null) {
                selected = new ArrayList<>(servedPods);
                for (TreeMap<String, StoredPod> pods : namespaces.values()) {
                    selected.addAll(pods.values());
                }
            } else {
                TreeMap<String, StoredPod> pods = namespaces.get(namespace);
                selected = pods == null ? List.of() : new ArrayList<>(pods.values());
            }
        } finally {
            lock.readLock().unlock();
        }
        selected.forEach(action);
    }

    public long nodeCount() {
        lock.readLock().lock();
        try {
            return servedNodes;
        } finally {
            lock.readLock().unlock();
        }
    }

    public long podCount() {
        lock.readLock().lock();
        try {
            return servedPods;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The scrape resolution the newest record that carried one was computed with, or 0 when none did. */
    public long scrapeResolutionMillis() {
        return scrapeResolutionMillis;
    }
}
