package dev.metricsstream.gateway.store;

import static dev.metricsstream.gateway.support.Samples.container;
import static dev.metricsstream.gateway.support.Samples.node;
import static dev.metricsstream.gateway.support.Samples.nodeUsage;
import static dev.metricsstream.gateway.support.Samples.pod;
import static dev.metricsstream.gateway.support.Samples.podWindow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeUsageViewTest {
    private final NodeUsageView view = new NodeUsageView();

    private static PodMetrics p(String namespace, String name, long timestampMillis) {
        return pod(namespace, name, "ignored", Map.of("app", name), timestampMillis, container("c", 1, 1));
    }

    private void put(NodeUsage usage) {
        view.put(NodeUsageView.decode(usage), usage.getScrapeResolutionMillis());
    }

    private List<String> pods(String namespace) {
        List<String> ids = new ArrayList<>();
        view.forEachPod(namespace, pod -> ids.add(pod.metrics().getNamespace() + "/" + pod.metrics().getName() + "@"
                + pod.metrics().getNodeName()));
        return ids;
    }

    @Test
    void pods_are_listed_in_namespace_then_name_order_even_when_one_namespace_prefixes_another() {
        put(nodeUsage("n1", 1000, p("a", "y", 1000), p("a-b", "x", 1000), p("a.c", "z", 1000)));
        put(nodeUsage("n2", 1000, p("a", "b", 1000), p("ab", "a", 1000)));

        assertEquals(List.of("a/b@n2", "a/y@n1", "a-b/x@n1", "a.c/z@n1", "ab/a@n2"), pods(null));
        assertEquals(List.of("a/b@n2", "a/y@n1"), pods("a"));
        assertEquals(List.of(), pods("missing"));
        assertEquals(5, view.podCount());
    }

    @Test
    void a_node_update_replaces_all_of_that_nodes_pods_and_leaves_other_nodes_alone() {
        put(nodeUsage("n1", 1000, p("shop", "web-1", 1000), p("shop", "web-2", 1000), p("ops", "agent-n1", 1000)));
        put(nodeUsage("n2", 1000, p("shop", "db-1", 1000)));

        put(nodeUsage("n1", 16_000, p("shop", "web-2", 16_000), p("shop", "web-3", 16_000)));

        assertEquals(List.of("shop/db-1@n2", "shop/web-2@n1", "shop/web-3@n1"), pods(null));
        assertEquals(16_000, view.pod("shop", "web-2").orElseThrow().metrics().getTimestampMillis());
        assertTrue(view.pod("ops", "agent-n1").isEmpty());
        assertEquals(3, view.podCount());
    }

    @Test
    void a_tombstone_removes_the_node_and_its_pods() {
        put(nodeUsage("n1", 1000, p("shop", "web-1", 1000)));
        put(nodeUsage("n2", 1000, p("shop", "db-1", 1000)));

        view.remove("n1");

        assertTrue(view.node("n1").isEmpty());
        assertEquals(List.of("shop/db-1@n2"), pods(null));
        List<String> nodes = new ArrayList<>();
        view.forEachNode(n -> nodes.add(n.getNodeName()));
        assertEquals(List.of("n2"), nodes);
    }

    @Test
    void a_pod_that_moved_is_served_from_the_newer_record_and_survives_the_old_node_dropping_it() {
        put(nodeUsage("n1", 1000, p("shop", "web-0", 1000)));
        // rescheduled: the new node's record has it before the old node's next scrape drops it
        put(nodeUsage("n2", 20_000, p("shop", "web-0", 20_000)));
        assertEquals(List.of("shop/web-0@n2"), pods("shop"));
        assertEquals(1, view.podCount());

        put(nodeUsage("n1", 16_000));
        assertEquals(List.of("shop/web-0@n2"), pods("shop"));

        put(nodeUsage("n2", 35_000));
        assertEquals(List.of(), pods("shop"));
        assertEquals(0, view.podCount());
    }

    @Test
    void after_any_sequence_of_updates_and_tombstones_each_pod_is_served_from_the_node_with_its_newest_copy() {
        String[] names = {"web-0", "web-1", "db-0", "agent", "job-7", "cache"};
        for (long seed = 0; seed < 200; seed++) {
            NodeUsageView model = new NodeUsageView();
            java.util.Random random = new java.util.Random(seed);
            Map<String, Map<String, Long>> latest = new java.util.TreeMap<>(); // node -> pod key -> its timestamp
            for (int step = 0; step < 60; step++) {
                String node = "n" + random.nextInt(4);
                if (random.nextInt(8) == 0) {
                    model.remove(node);
                    latest.remove(node);
                } else {
                    List<PodMetrics> pods = new ArrayList<>();
                    Map<String, Long> copies = new java.util.HashMap<>();
                    for (String name : names) {
                        if (random.nextInt(3) == 0) {
                            String namespace = name.hashCode() % 2 == 0 ? "a" : "b";
                            // distinct timestamps that do not grow with the steps: older copies arrive late too
                            long timestamp = random.nextInt(1_000_000) * 8L + Integer.parseInt(node.substring(1));
                            pods.add(p(namespace, name, timestamp));
                            copies.put(namespace + "/" + name, timestamp);
                        }
                    }
                    NodeUsage usage = nodeUsage(node, 1000, pods.toArray(PodMetrics[]::new));
                    model.put(NodeUsageView.decode(usage), 0);
                    latest.put(node, copies);
                }
                Map<String, String> expected = new java.util.TreeMap<>(); // pod key -> node@timestamp
                Map<String, Long> newest = new java.util.HashMap<>();
                latest.forEach((n, copies) -> copies.forEach((key, timestamp) -> {
                    if (timestamp > newest.getOrDefault(key, Long.MIN_VALUE)) {
                        newest.put(key, timestamp);
                        expected.put(key, n + "@" + timestamp);
                    }
                }));
                Map<String, String> served = new java.util.TreeMap<>();
                model.forEachPod(null, pod -> served.put(pod.metrics().getNamespace() + "/" + pod.metrics().getName(),
                        pod.metrics().getNodeName() + "@" + pod.metrics().getTimestampMillis()));
                String context = "seed " + seed + ", step " + step;
                assertEquals(expected, served, context);
                assertEquals(expected.size(), model.podCount(), context);
                assertEquals(latest.size(), model.nodeCount(), context);
            }
        }
    }

    @Test
    void when_the_serving_node_drops_a_pod_the_copy_on_the_other_node_is_served() {
        put(nodeUsage("n2", 20_000, p("shop", "web-0", 20_000)));
        put(nodeUsage("n1", 1000, p("shop", "web-0", 1000))); // older copy: not served
        assertEquals(List.of("shop/web-0@n2"), pods("shop"));

        put(nodeUsage("n2", 35_000));

        assertEquals(List.of("shop/web-0@n1"), pods("shop"));
    }

    @Test
    void a_node_without_a_rate_is_not_served_but_its_pods_are_and_the_record_carries_labels_and_resolution() {
        put(nodeUsage("n1", null, 15_000, p("shop", "web-1", 1000)));
        assertTrue(view.node("n1").isEmpty());
        assertEquals(0, view.nodeCount());
        assertEquals(List.of("shop/web-1@n1"), pods(null));
        assertEquals(15_000, view.scrapeResolutionMillis());

        NodeMetrics sample = node("n1", 16_000, 123, 456);
        put(nodeUsage("n1", sample, 0, p("shop", "web-1", 16_000)));
        NodeMetrics served = view.node("n1").orElseThrow();
        assertEquals(123, served.getCpuNanocores());
        assertEquals(Map.of("kubernetes.io/hostname", "n1"), served.getLabels());
        assertEquals(15_000, view.scrapeResolutionMillis(), "a record without a resolution keeps the last one known");
        assertEquals(1, view.nodeCount());
    }

    @Test
    void a_reader_sees_a_node_update_whole_never_half() throws Exception {
        PodMetrics[] even = new PodMetrics[50];
        PodMetrics[] odd = new PodMetrics[50];
        for (int i = 0; i < 50; i++) {
            even[i] = p("ns-" + (i % 7), "even-" + i, 1000);
            odd[i] = p("ns-" + (i % 7), "odd-" + i, 1000);
        }
        NodeUsageView.NodeEntry a = NodeUsageView.decode(nodeUsage("n1", 1000, even));
        NodeUsageView.NodeEntry b = NodeUsageView.decode(nodeUsage("n1", 1000, odd));
        view.put(a, 0);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 20_000; i++) {
                view.put(i % 2 == 0 ? b : a, 0);
            }
        });
        writer.start();
        List<String> mixed = new ArrayList<>();
        while (writer.isAlive()) {
            List<String> names = new ArrayList<>();
            view.forEachPod(null, pod -> names.add(pod.metrics().getName()));
            boolean allEven = names.stream().allMatch(n -> n.startsWith("even-"));
            boolean allOdd = names.stream().allMatch(n -> n.startsWith("odd-"));
            if (names.size() != 50 || !(allEven || allOdd)) {
                mixed.add(names.size() + " pods: " + names);
            }
        }
        writer.join();
        assertEquals(List.of(), mixed);
        assertFalse(pods(null).isEmpty());
    }

    @Test
    void a_window_of_a_live_pod_or_node_shares_the_views_labels_and_node_name_only_when_equal() {
        put(nodeUsage("n1", 1000, pod("shop", "web-1", "n1", Map.of("app", "web", "tier", "front"), 1000,
                container("c", 1, 1))));
        PodMetrics served = view.pod("shop", "web-1").orElseThrow().metrics();

        MetricsWindow same = podWindow("shop", "web-1", new String("n1"), 60_000, 120_000);
        same.setLabels(new HashMap<>(Map.of("app", "web", "tier", "front")));
        view.shareWith(same);
        assertSame(served.getLabels(), same.getLabels());
        assertSame(served.getNodeName(), same.getNodeName());

        // the pod was relabelled or moved since the window closed: the window keeps what it says
        MetricsWindow other = podWindow("shop", "web-1", "n2", 60_000, 120_000);
        other.setLabels(new HashMap<>(Map.of("app", "web", "tier", "back")));
        view.shareWith(other);
        assertEquals(Map.of("app", "web", "tier", "back"), other.getLabels());
        assertNotSame(served.getLabels(), other.getLabels());
        assertEquals("n2", other.getNodeName());

        MetricsWindow gone = podWindow("shop", "web-9", "n1", 60_000, 120_000);
        gone.setLabels(new HashMap<>(Map.of("app", "web")));
        view.shareWith(gone);
        assertEquals(Map.of("app", "web"), gone.getLabels());

        NodeMetrics node = view.node("n1").orElseThrow();
        MetricsWindow nodeWindow = podWindow("x", "y", "n1", 60_000, 120_000);
        nodeWindow.setEntityKind(EntityKind.NODE);
        nodeWindow.setEntity("n1");
        nodeWindow.setLabels(new HashMap<>(node.getLabels()));
        view.shareWith(nodeWindow);
        assertSame(node.getLabels(), nodeWindow.getLabels());
    }
}
