package dev.metricsstream.collector;

import static dev.metricsstream.collector.ConfigEnv.caAndBroker;
import static dev.metricsstream.collector.ConfigEnv.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.pool.NodeAddresses;
import dev.metricsstream.collector.pool.PoolSettings.TargetMode;
import dev.metricsstream.collector.pool.Shard;
import dev.metricsstream.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pool-mode settings: TARGET_SOURCE, POOL_REPLICAS/POOL_ORDINAL, KUBELET_TARGETS_FILE, node addressing. */
class PoolConfigTest {
    @TempDir
    Path dir;

    @Test
    void the_daemonset_default_is_the_own_node_in_a_single_shard() throws Exception {
        CollectorConfig config = CollectorConfig.from(plus(caAndBroker(dir), "NODE_NAME", "node-a", "NODE_IP",
                "10.0.0.5", "METADATA_SOURCE", "kubelet"));
        assertEquals(TargetMode.OWN_NODE, config.pool().mode());
        assertEquals(Shard.ALL, config.pool().shard());
        assertEquals(1, config.scrapeConcurrency());
    }

    @Test
    void a_statefulset_replica_takes_its_ordinal_from_the_pod_name_and_watches_the_cluster() throws Exception {
        Map<String, String> env = plus(caAndBroker(dir), "TARGET_SOURCE", "cluster", "POOL_REPLICAS", "3",
                "HOSTNAME", "metrics-stream-collector-pool-2", "APISERVER_URL", "https://10.96.0.1:443");
        CollectorConfig config = CollectorConfig.from(env);
        assertEquals(TargetMode.CLUSTER, config.pool().mode());
        assertEquals(new Shard(2, 3), config.pool().shard());
        assertEquals(List.of(), config.targets(), "targets come from the node informer");
        assertEquals(NodeAddresses.defaults(), config.pool().addresses());
        assertEquals(32, config.scrapeConcurrency());
        assertEquals(CollectorConfig.MetadataMode.APISERVER, config.metadataMode(),
                "apiserver metadata is allowed for many nodes (one cluster-wide pod informer)");

        env.put("POD_NAME", "metrics-stream-collector-pool-0");
        assertEquals(new Shard(0, 3), CollectorConfig.from(env).pool().shard(), "POD_NAME wins over HOSTNAME");
        env.put("POOL_ORDINAL", "1");
        assertEquals(new Shard(1, 3), CollectorConfig.from(env).pool().shard(), "POOL_ORDINAL wins over the name");
    }

    @Test
    void a_targets_file_is_read_and_sharded_by_the_collector() throws Exception {
        Path file = Files.writeString(dir.resolve("kubelets"), "# two\nn1=https://127.0.0.1:10250\n"
                + "n2=https://127.0.0.1:10251\n");
        CollectorConfig config = CollectorConfig.from(plus(caAndBroker(dir), "KUBELET_TARGETS_FILE", file.toString(),
                "METADATA_SOURCE", "kubelet"));
        assertEquals(TargetMode.STATIC, config.pool().mode());
        assertEquals(List.of("n1", "n2"), config.targets().stream().map(ScrapeTarget::nodeName).toList());
        assertEquals(2, config.scrapeConcurrency());
    }

    @Test
    void pool_problems_are_reported_at_once() throws Exception {
        Map<String, String> env = plus(caAndBroker(dir), "KUBELET_TARGETS_FILE", dir.resolve("missing").toString(),
                "KUBELET_TARGETS", "n1=https://127.0.0.1:10250", "POOL_REPLICAS", "2", "HOSTNAME", "laptop",
                "KUBELET_PREFERRED_ADDRESS_TYPES", "InternalIP,PublicIP", "METADATA_SOURCE", "none");
        ConfigException e = assertThrows(ConfigException.class, () -> CollectorConfig.from(env));
        List<String> problems = e.problems();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("POOL_REPLICAS=2 needs POOL_ORDINAL")),
                problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("'PublicIP'")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("not both")), problems::toString);
        assertTrue(problems.stream().anyMatch(p -> p.contains("cannot be read")), problems::toString);

        Map<String, String> ordinalTooHigh = plus(caAndBroker(dir), "KUBELET_TARGETS",
                "n1=https://127.0.0.1:10250,n1=https://127.0.0.1:1", "POOL_REPLICAS", "2", "POOL_ORDINAL", "2",
                "METADATA_SOURCE", "none");
        List<String> more = assertThrows(ConfigException.class, () -> CollectorConfig.from(ordinalTooHigh))
                .problems();
        assertTrue(more.stream().anyMatch(p -> p.startsWith("POOL_ORDINAL must be below POOL_REPLICAS")),
                more::toString);
        assertTrue(more.stream().anyMatch(p -> p.contains("repeats node name 'n1'")), more::toString);
    }
}
