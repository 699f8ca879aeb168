package dev.metricsstream.collector.pool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.testkit.kube.FakeListWatchServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The cluster target source against a fake apiserver speaking NodeList and watch events. */
class NodeInformerTargetSourceTest {
    private static final String NODES = "/api/v1/nodes";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static ApiClient client(FakeListWatchServer api) {
        return new ClientBuilder().setBasePath(api.url().toString()).setReadTimeout(Duration.ZERO).build();
    }

    private static Map<String, URI> urls(NodeInformerTargetSource source) {
        return source.targets().stream().collect(Collectors.toMap(ScrapeTarget::nodeName, ScrapeTarget::baseUrl));
    }

    @Test
    void nodes_are_addressed_by_preferred_type_and_status_port_and_follow_adds_changes_and_deletes()
            throws Exception {
        try (FakeListWatchServer api = new FakeListWatchServer(NODES)) {
            api.list(NODES, "NodeList", "100", List.of(
                    FakeListWatchServer.node("a", "10", 10250, "Hostname", "a.local", "InternalIP", "10.0.0.1",
                            "ExternalIP", "34.1.1.1"),
                    FakeListWatchServer.node("b", "11", 11250, "ExternalIP", "34.1.1.2", "Hostname", "b.local"),
                    FakeListWatchServer.node("c", "12", 0, "Hostname", "c.local"),
                    FakeListWatchServer.node("v6", "13", 10250, "InternalIP", "fd00::7"),
                    FakeListWatchServer.node("none", "14", 10250, "InternalDNS", "none.internal")));
            try (NodeInformerTargetSource source = new NodeInformerTargetSource(client(api),
                    NodeAddresses.defaults(), Shard.ALL)) {
                await().atMost(PATIENCE).until(source::hasSynced);
                assertEquals(Map.of(
                        "a", URI.create("https://10.0.0.1:10250"),     // InternalIP before ExternalIP/Hostname
                        "b", URI.create("https://34.1.1.2:11250"),     // ExternalIP, port from daemonEndpoints
                        "c", URI.create("https://c.local:10250"),      // Hostname, port 0 → default
                        "v6", URI.create("https://[fd00::7]:10250")),  // IPv6 bracketed
                        urls(source), "'none' has only an InternalDNS address and is left out");
                NodeInfo info = source.nodeInfo("a");
                assertEquals(4000L, info.getCapacityCpuMillicores());
                assertEquals(3900L, info.getAllocatableCpuMillicores());
                assertEquals(16393216L * 1024, info.getCapacityMemoryBytes());
                assertEquals("zone-a", info.getLabels().get("topology.kubernetes.io/zone"));

                api.emit(NODES, "ADDED", FakeListWatchServer.node("d", "101", 10250, "InternalIP", "10.0.0.4"));
                api.emit(NODES, "MODIFIED", FakeListWatchServer.node("a", "102", 10255, "InternalIP", "10.0.0.9"));
                api.emit(NODES, "DELETED", FakeListWatchServer.node("b", "103", 11250, "ExternalIP", "34.1.1.2"));
                await().atMost(PATIENCE).until(() -> urls(source).equals(Map.of(
                        "a", URI.create("https://10.0.0.9:10255"),
                        "c", URI.create("https://c.local:10250"),
                        "d", URI.create("https://10.0.0.4:10250"),
                        "v6", URI.create("https://[fd00::7]:10250"))));
                assertNull(source.nodeInfo("b"), "a deleted node's info is forgotten");
            }
            assertTrue(api.requests().stream().anyMatch(r -> r.startsWith(NODES) && r.contains("watch=true")),
                    "the informer watched: " + api.requests());
        }
    }

    @Test
    void preferred_types_and_port_are_configurable() {
        NodeAddresses hostnameFirst = new NodeAddresses(List.of("Hostname", "InternalIP"), 10255, false, "https");
        io.kubernetes.client.openapi.models.V1Node node = io.kubernetes.client.openapi.JSON.getGson().fromJson(
                FakeListWatchServer.node("a", "1", 12345, "InternalIP", "10.0.0.1", "Hostname", "a.local",
                        "Hostname", "a2.local"), io.kubernetes.client.openapi.models.V1Node.class);
        assertEquals(URI.create("https://a.local:10255"), hostnameFirst.url(node).orElseThrow(),
                "first address of the first preferred type; status port ignored when not used");
        assertEquals(URI.create("https://10.0.0.1:12345"), NodeAddresses.defaults().url(node).orElseThrow());
    }

    @Test
    void two_replicas_see_disjoint_shares_that_cover_every_node() throws Exception {
        try (FakeListWatchServer api = new FakeListWatchServer(NODES)) {
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                nodes.add(FakeListWatchServer.node("node-" + i, "1" + i, 10250, "InternalIP", "10.0.1." + i));
            }
            api.list(NODES, "NodeList", "500", nodes);
            try (NodeInformerTargetSource zero = new NodeInformerTargetSource(client(api), NodeAddresses.defaults(),
                    new Shard(0, 2));
                    NodeInformerTargetSource one = new NodeInformerTargetSource(client(api),
                            NodeAddresses.defaults(), new Shard(1, 2))) {
                await().atMost(PATIENCE).until(() -> zero.hasSynced() && one.hasSynced());
                List<String> all = new ArrayList<>();
                zero.targets().forEach(t -> all.add(t.nodeName()));
                one.targets().forEach(t -> all.add(t.nodeName()));
                assertEquals(40, all.size(), "no node in both shares");
                assertEquals(40, all.stream().distinct().count(), "every node in one share");
                assertTrue(zero.targets().size() > 5 && one.targets().size() > 5,
                        "both replicas have work: " + zero.targets().size() + "/" + one.targets().size());
                assertEquals(40, zero.knownNodes(), "each replica knows every node, scrapes its share");
            }
        }
    }

    @Test
    void a_bookmark_event_keeps_the_node_watch_open_and_the_informer_does_not_relist() throws Exception {
        try (FakeListWatchServer api = new FakeListWatchServer(NODES)) {
            api.list(NODES, "NodeList", "100", List.of(
                    FakeListWatchServer.node("a", "10", 10250, "InternalIP", "10.0.0.1")));
            try (NodeInformerTargetSource source = new NodeInformerTargetSource(client(api),
                    NodeAddresses.defaults(), Shard.ALL)) {
                await().atMost(PATIENCE).until(source::hasSynced);
                api.emitLine(NODES, FakeListWatchServer.bookmark("Node", "12345"));
                api.emit(NODES, "MODIFIED", FakeListWatchServer.node("a", "12346", 10250, "InternalIP", "10.0.0.9"));
                await().atMost(PATIENCE).until(() -> urls(source).equals(Map.of(
                        "a", URI.create("https://10.0.0.9:10250"))));
                assertEquals(1, source.knownNodes(), "the bookmark is not a node");
            }
            assertEquals(1, api.listCount(NODES), "one list, no relist: " + api.requests());
            assertEquals(1, api.requests().stream().filter(r -> r.contains("watch=true")).count(),
                    "one watch that stayed open: " + api.requests());
        }
    }
}
