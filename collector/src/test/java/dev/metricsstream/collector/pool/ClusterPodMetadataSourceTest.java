package dev.metricsstream.collector.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.ClusterPodMetadataSource;
import dev.metricsstream.collector.metadata.NodeMetadata;
import dev.metricsstream.collector.metadata.PodMetadata;
import dev.metricsstream.testkit.kube.FakeListWatchServer;
import io.kubernetes.client.util.ClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One cluster-wide pod informer answers per node, with node info from the node informer. */
class ClusterPodMetadataSourceTest {
    private static final String PODS = "/api/v1/pods";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ScrapeTarget target(String node) {
        return new ScrapeTarget(node, URI.create("https://127.0.0.1:10250"));
    }

    @Test
    void each_node_gets_only_its_own_pods_with_uid_labels_and_phase_and_follows_watch_events() throws Exception {
        NodeInfo infoA = new NodeInfo();
        infoA.setLabels(Map.of("zone", "a"));
        try (FakeListWatchServer api = new FakeListWatchServer(PODS)) {
            api.list(PODS, "PodList", "200", List.of(
                    FakeListWatchServer.pod("shop", "web-abc12", "node-a", "Running", "1"),
                    FakeListWatchServer.pod("shop", "db-0", "node-b", "Running", "2"),
                    FakeListWatchServer.pod("batch", "job-x1", "node-a", "Succeeded", "3"),
                    FakeListWatchServer.pod("shop", "pending-1", "", "Pending", "4")));
            try (ClusterPodMetadataSource source = new ClusterPodMetadataSource(new ClientBuilder()
                    .setBasePath(api.url().toString()).setReadTimeout(Duration.ZERO).build(),
                    node -> node.equals("node-a") ? infoA : null)) {
                await().atMost(PATIENCE).until(source::hasSynced);
                NodeMetadata a = source.metadataFor(target("node-a"));
                assertEquals(java.util.Set.of("shop/web-abc12", "batch/job-x1"), a.pods().keySet());
                PodMetadata web = a.pods().get("shop/web-abc12");
                assertEquals("Running", web.phase());
                assertEquals(Map.of("app", "web", "pod-template-hash", "7d9f8b6c5", "team", "payments"),
                        web.labels());
                assertEquals(java.util.UUID.nameUUIDFromBytes("shop/web-abc12".getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)).toString(), web.uid());
                assertEquals("Succeeded", a.pods().get("batch/job-x1").phase());
                assertEquals(infoA, a.nodeInfo());
                NodeMetadata b = source.metadataFor(target("node-b"));
                assertEquals(java.util.Set.of("shop/db-0"), b.pods().keySet());
                assertNull(b.nodeInfo());

                api.emit(PODS, "ADDED", FakeListWatchServer.pod("shop", "web-new99", "node-b", "Running", "201"));
                api.emit(PODS, "DELETED", FakeListWatchServer.pod("shop", "db-0", "node-b", "Running", "202"));
                await().atMost(PATIENCE).until(() -> source.metadataFor(target("node-b")).pods().keySet()
                        .equals(java.util.Set.of("shop/web-new99")));
                assertEquals(4, source.cachedPods(), "pods of every node are cached, unscheduled ones too");
            }
        }
    }

    @Test
    void a_large_pod_list_is_read_in_pages_and_every_pod_lands_in_the_cache() throws Exception {
        try (FakeListWatchServer api = new FakeListWatchServer(PODS)) {
            List<String> pods = new java.util.ArrayList<>();
            for (int i = 0; i < 1_234; i++) {
                pods.add(FakeListWatchServer.pod("ns", "pod-" + i, "node-" + (i % 40), "Running", "5"));
            }
            api.list(PODS, "PodList", "300", pods);
            try (ClusterPodMetadataSource source = new ClusterPodMetadataSource(new ClientBuilder()
                    .setBasePath(api.url().toString()).setReadTimeout(Duration.ZERO).build(), node -> null)) {
                await().atMost(PATIENCE).until(source::hasSynced);
                assertEquals(1_234, source.cachedPods());
                assertEquals(31, source.metadataFor(target("node-3")).pods().size()); // 1234 = 40 × 30 + 34
            }
            List<String> lists = api.requests().stream().filter(r -> !r.contains("watch=true")).toList();
            assertEquals(3, lists.size(), "pages of 500: " + lists);
            assertTrue(lists.get(0).contains("limit=500") && !lists.get(0).contains("continue="), lists.get(0));
            assertTrue(lists.get(1).contains("continue=500") && !lists.get(1).contains("resourceVersion="),
                    lists.get(1));
            assertTrue(api.requests().stream().anyMatch(r -> r.contains("watch=true")
                    && r.contains("resourceVersion=300")), "the watch starts at the list's resourceVersion");
        }
    }

    @Test
    void cached_pods_keep_only_what_the_records_need() {
        io.kubernetes.client.openapi.models.V1Pod full = io.kubernetes.client.openapi.JSON.getGson().fromJson(
                FakeListWatchServer.pod("shop", "web-abc12", "node-a", "Running", "7"),
                io.kubernetes.client.openapi.models.V1Pod.class);
        io.kubernetes.client.openapi.models.V1Pod slim = (io.kubernetes.client.openapi.models.V1Pod)
                ClusterPodMetadataSource.slim(full);
        assertEquals("web-abc12", slim.getMetadata().getName());
        assertEquals("7", slim.getMetadata().getResourceVersion());
        assertEquals("node-a", slim.getSpec().getNodeName());
        assertEquals("Running", slim.getStatus().getPhase());
        assertNull(slim.getMetadata().getManagedFields());
        assertNull(slim.getMetadata().getAnnotations());
        assertNull(slim.getSpec().getContainers());
        assertNull(slim.getStatus().getContainerStatuses());
    }

    @Test
    void a_bookmark_event_keeps_the_pod_watch_open_and_the_informer_does_not_relist() throws Exception {
        try (FakeListWatchServer api = new FakeListWatchServer(PODS)) {
            api.list(PODS, "PodList", "200", List.of(
                    FakeListWatchServer.pod("shop", "web-abc12", "node-a", "Running", "1")));
            try (ClusterPodMetadataSource source = new ClusterPodMetadataSource(new ClientBuilder()
                    .setBasePath(api.url().toString()).setReadTimeout(Duration.ZERO).build(), node -> null)) {
                await().atMost(PATIENCE).until(source::hasSynced);
                api.emitLine(PODS, FakeListWatchServer.bookmark("Pod", "12345"));
                api.emit(PODS, "ADDED", FakeListWatchServer.pod("shop", "web-new99", "node-a", "Running", "12346"));
                await().atMost(PATIENCE).until(() -> source.metadataFor(target("node-a")).pods().containsKey(
                        "shop/web-new99"));
                assertEquals(2, source.cachedPods(), "the bookmark added nothing to the cache");
            }
            assertEquals(1, api.listCount(PODS), "one list, no relist: " + api.requests());
            assertEquals(1, api.requests().stream().filter(r -> r.contains("watch=true")).count(),
                    "one watch that stayed open: " + api.requests());
        }
    }
}
