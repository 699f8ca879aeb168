package dev.metricsstream.collector.metadata;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiServerMetadataSourceTest {
    private static final ScrapeTarget TARGET = new ScrapeTarget("node-a", URI.create("https://127.0.0.1:10250"));
    private final FakeApiServer apiserver = new FakeApiServer();
    private ApiServerMetadataSource source;

    ApiServerMetadataSourceTest() throws Exception {
    }

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        apiserver.close();
    }

    private static String pod(String name, String uid, String phase, String rv) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"uid\":\"" + uid + "\",\"resourceVersion\":\"" + rv
                + "\",\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"nodeName\":\"node-a\",\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"nginx\"}]},\"status\":{\"phase\":\"" + phase + "\"}}";
    }

    private static String list(String rv, String... pods) {
        return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + rv
                + "\"},\"items\":[" + String.join(",", pods) + "]}";
    }

    private static String event(String type, String object) {
        return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
    }

    private ApiServerMetadataSource start() throws Exception {
        ApiClient client = new ClientBuilder().setBasePath(apiserver.url().toString())
                .setReadTimeout(Duration.ZERO).build();
        source = new ApiServerMetadataSource(client, "node-a", Duration.ofMinutes(1));
        return source;
    }

    @Test
    void pods_of_this_node_follow_the_watch_and_a_410_gone_makes_the_informer_relist() throws Exception {
        CountDownLatch sawPodB = new CountDownLatch(1);
        apiserver.enqueueList(list("100", pod("pod-a", "uid-a", "Running", "90")));
        apiserver.enqueueWatch(
                event("ADDED", pod("pod-b", "uid-b", "Pending", "101")),
                event("MODIFIED", pod("pod-a", "uid-a", "Succeeded", "102")),
                sawPodB,
                event("ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"too old resource version: 102 (150)\",\"reason\":\"Expired\",\"code\":410}"));
        // while the watch was broken pod-b was deleted and pod-c created: only a relist shows that
        apiserver.enqueueList(list("200", pod("pod-a", "uid-a", "Succeeded", "102"),
                pod("pod-c", "uid-c", "Running", "199")));
        apiserver.enqueueWatch();
        start();

        await().atMost(Duration.ofSeconds(20)).until(() -> source.hasSynced()
                && source.metadataFor(TARGET).pods().containsKey("default/pod-b"));
        PodMetadata a = source.metadataFor(TARGET).pods().get("default/pod-a");
        assertEquals("Succeeded", a.phase());
        assertEquals(Map.of("app", "pod-a"), a.labels());
        sawPodB.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> source.metadataFor(TARGET).pods().containsKey(
                "default/pod-c"));
        Map<String, PodMetadata> pods = source.metadataFor(TARGET).pods();
        assertFalse(pods.containsKey("default/pod-b"), "the relist replaced the store");
        assertEquals(new PodMetadata("uid-c", "Running", Map.of("app", "pod-c")), pods.get("default/pod-c"));
        assertEquals(2, apiserver.listCount());
        String firstWatch = apiserver.requests().stream().filter(r -> r.contains("watch=true")).findFirst()
                .orElseThrow();
        assertTrue(firstWatch.contains("fieldSelector=spec.nodeName=node-a"), firstWatch);
        assertTrue(firstWatch.contains("resourceVersion=100"), firstWatch);
    }

    @Test
    void the_own_node_gives_labels_and_capacity_in_millicores_and_bytes() throws Exception {
        apiserver.enqueueList(list("1"));
        apiserver.node("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-a\",\"labels\":"
                + "{\"kubernetes.io/hostname\":\"node-a\",\"topology.kubernetes.io/zone\":\"z1\"}},"
                + "\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"16393364Ki\",\"pods\":\"110\"},"
                + "\"allocatable\":{\"cpu\":\"3920m\",\"memory\":\"15Gi\"}}}");
        start();

        await().atMost(Duration.ofSeconds(20)).until(() -> source.hasSynced()
                && source.metadataFor(TARGET).nodeInfo() != null);
        NodeInfo info = source.metadataFor(TARGET).nodeInfo();
        assertEquals(4000L, info.getCapacityCpuMillicores());
        assertEquals(16_393_364L * 1024, info.getCapacityMemoryBytes());
        assertEquals(3920L, info.getAllocatableCpuMillicores());
        assertEquals(15L * 1024 * 1024 * 1024, info.getAllocatableMemoryBytes());
        assertEquals("z1", info.getLabels().get("topology.kubernetes.io/zone"));
        assertNotNull(apiserver.requests().stream().filter(r -> r.equals("/api/v1/nodes/node-a")).findFirst()
                .orElse(null));
    }

    @Test
    void before_the_first_list_the_scrape_goes_out_without_metadata() throws Exception {
        // no list answer queued: the fake answers nothing useful, the informer never syncs
        apiserver.enqueueList("{\"kind\":\"Status\"");
        start();
        ScrapeException e = assertThrows(ScrapeException.class, () -> source.metadataFor(TARGET));
        assertEquals("metadata_not_synced", e.reason());
    }

    @Test
    void a_bookmark_event_keeps_the_pod_watch_open_and_the_informer_does_not_relist() throws Exception {
        apiserver.enqueueList(list("100", pod("pod-a", "uid-a", "Running", "90")));
        apiserver.enqueueWatch(
                "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"12345\"},"
                        + "\"spec\":{\"containers\":null},\"status\":{}}}",
                event("MODIFIED", pod("pod-a", "uid-a", "Succeeded", "12346")));
        apiserver.enqueueWatch();
        start();

        await().atMost(Duration.ofSeconds(20)).until(() -> source.hasSynced()
                && "Succeeded".equals(source.metadataFor(TARGET).pods().get("default/pod-a").phase()));
        assertEquals(1, source.metadataFor(TARGET).pods().size(), "the bookmark is not a pod");
        assertEquals(1, apiserver.listCount(), "one list, no relist: " + apiserver.requests());
        assertEquals(1, apiserver.requests().stream().filter(r -> r.contains("watch=true")).count(),
                "one watch that stayed open: " + apiserver.requests());
    }
}
