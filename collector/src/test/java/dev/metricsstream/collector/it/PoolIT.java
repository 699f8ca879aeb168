package dev.metricsstream.collector.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.pool.Rendezvous;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kube.FakeListWatchServer;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pool mode end to end: two collector replicas (ordinals 0 and 1) in one JVM find 20 simulated kubelets through a
 * fake apiserver's Node list/watch, share them by rendezvous hashing, attach pod metadata from one cluster-wide
 * pod informer, and publish to the real broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PoolIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaBroker broker;
    @TempDir
    Path dir;

    PoolIT(KafkaBroker broker) {
        this.broker = broker;
    }

    private static FakeListWatchServer apiserver(KubeletSimulator sim) throws Exception {
        FakeListWatchServer api = new FakeListWatchServer("/api/v1/nodes", "/api/v1/pods");
        List<String> nodes = new ArrayList<>();
        List<String> pods = new ArrayList<>();
        for (SimNode node : sim.nodes()) {
            URI url = URI.create(node.baseUrl());
            nodes.add(FakeListWatchServer.node(node.name(), "5", node.port(), "Hostname", "unresolvable.invalid",
                    "InternalIP", url.getHost()));
            for (SimPod pod : node.pods()) {
                pods.add(pod.apiObjectJson());
            }
        }
        api.list("/api/v1/nodes", "NodeList", "10", nodes);
        api.list("/api/v1/pods", "PodList", "10", pods);
        return api;
    }

    private Map<String, String> clusterEnv(KubeletSimulator sim, Topics topics, FakeListWatchServer api,
            int ordinal) throws Exception {
        Map<String, String> env = CollectorFixture.env(sim, broker, topics, dir);
        env.remove("KUBELET_TARGETS");
        env.put("TARGET_SOURCE", "cluster");
        env.put("POOL_REPLICAS", "2");
        env.put("HOSTNAME", "metrics-stream-collector-pool-" + ordinal);
        env.put("METADATA_SOURCE", "apiserver");
        env.put("APISERVER_URL", api.url().toString());
        return env;
    }

    private static boolean podsWatched(FakeListWatchServer api, int watchers) {
        return api.requests().stream().filter(r -> r.startsWith("/api/v1/pods") && r.contains("watch=true"))
                .count() >= watchers;
    }

    @Test
    void two_replicas_publish_exactly_one_scrape_per_node_per_interval_with_apiserver_metadata() throws Exception {
        Topics topics = broker.createUniqueTopics(3);
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(20).podsPerNode(6).seed(21).clock(clock)
                .token(CollectorFixture.TOKEN).wholeSecondSamples(true).build().start();
                FakeListWatchServer api = apiserver(sim)) {
            List<Long> cycles = new ArrayList<>();
            long sent;
            try (CollectorApp zero = CollectorFixture.collector(clusterEnv(sim, topics, api, 0), clock);
                    CollectorApp one = CollectorFixture.collector(clusterEnv(sim, topics, api, 1), clock)) {
                await().atMost(PATIENCE).until(() -> zero.targets().size() + one.targets().size() == 20
                        && podsWatched(api, 2));
                Set<String> shareZero = names(zero.targets());
                Set<String> shareOne = names(one.targets());
                assertTrue(shareZero.stream().noneMatch(shareOne::contains), "disjoint: " + shareZero + shareOne);
                assertFalse(shareZero.isEmpty() || shareOne.isEmpty(), "both replicas have nodes");
                for (int cycle = 0; cycle < 3; cycle++) {
                    clock.advance(Duration.ofSeconds(15));
                    cycles.add(clock.millis());
                    assertEquals(shareZero.size(), zero.scrapeOnce());
                    assertEquals(shareOne.size(), one.scrapeOnce());
                }
                await().atMost(PATIENCE).until(() -> zero.publisher().sentCount() + one.publisher().sentCount()
                        == 60);
                sent = zero.publisher().sentCount() + one.publisher().sentCount();
            }
            assertEquals(60, sent, "20 nodes × 3 intervals, nothing more");
            Map<String, List<NodeScrape>> byNode = byNode(broker.readAtLeast(topics.kubeletScrapes(), 60, PATIENCE));
            assertEquals(20, byNode.size());
            for (SimNode node : sim.nodes()) {
                List<NodeScrape> scrapes = byNode.get(node.name());
                assertEquals(cycles, scrapes.stream().map(NodeScrape::getScrapeTimeMillis).sorted().toList(),
                        node.name() + ": exactly one scrape in each interval");
                NodeScrape last = scrapes.get(scrapes.size() - 1);
                assertNotNull(last.getNodeInfo(), "node info from the node informer");
                assertEquals(4000L, last.getNodeInfo().getCapacityCpuMillicores());
                assertEquals(node.name(), last.getNodeInfo().getLabels().get("kubernetes.io/hostname"));
                for (PodSample pod : last.getPods()) {
                    SimPod simPod = node.pod(pod.getNamespace(), pod.getName());
                    assertEquals(simPod.phase().wireName(), pod.getPhase(), "phase from the pod informer");
                    assertEquals(simPod.labels(), pod.getLabels(), "labels from the pod informer");
                }
            }
        }
    }

    /**
     * Scaling 2 → 3 replicas: until the old replicas restart with the new count, a node the new replica wins is
     * scraped by its old owner and by the new replica. Both scrapes read the same kubelet sample, so the two records
     * carry the same sample timestamps and counters: a consumer that drops a point not newer than the last one (the
     * aggregator's rule) computes exactly one rate per interval and no spike.
     */
    @Test
    void during_a_scale_change_a_node_scraped_by_two_replicas_yields_identical_samples_and_one_rate()
            throws Exception {
        Topics topics = broker.createUniqueTopics(3);
        java.time.Instant start = java.time.Instant.parse("2026-11-21T12:00:00Z");
        SimClock clock = SimClock.at(start);
        // samples at the request second (period 0): both replicas, 700 ms apart, read the same sample
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(12).podsPerNode(4).seed(5).clock(clock)
                .token(CollectorFixture.TOKEN).samplePeriod(Duration.ZERO).wholeSecondSamples(true).build()
                .start()) {
            Map<String, String> base = CollectorFixture.env(sim, broker, topics, dir);
            Map<String, String> oldOwner = new HashMap<>(base);
            Map<String, String> newReplica = new HashMap<>(base);
            newReplica.put("POOL_REPLICAS", "3");
            newReplica.put("POOL_ORDINAL", "2");
            Set<String> moving = new TreeSet<>();
            sim.nodes().forEach(n -> {
                if (Rendezvous.owner(n.name(), 3) == 2) {
                    moving.add(n.name());
                }
            });
            assertFalse(moving.isEmpty(), "some node moves to the new replica");
            String node = moving.iterator().next();
            oldOwner.put("POOL_REPLICAS", "2");
            oldOwner.put("POOL_ORDINAL", Integer.toString(Rendezvous.owner(node, 2)));
            long sent;
            try (CollectorApp old = CollectorFixture.collector(oldOwner, clock);
                    CollectorApp added = CollectorFixture.collector(newReplica, clock)) {
                assertTrue(names(old.targets()).contains(node) && names(added.targets()).contains(node),
                        node + " is in both shares during the change");
                for (int cycle = 0; cycle < 3; cycle++) {
                    clock.set(start.plusSeconds(15L * (cycle + 1)));
                    old.scrapeOnce();
                    clock.advance(Duration.ofMillis(700)); // the second replica scrapes a little later
                    added.scrapeOnce();
                }
                long expected = 3L * (old.targets().size() + added.targets().size());
                await().atMost(PATIENCE).until(() -> old.publisher().sentCount() + added.publisher().sentCount()
                        == expected);
                sent = expected;
            }
            List<NodeScrape> scrapes = byNode(broker.readAtLeast(topics.kubeletScrapes(), (int) sent, PATIENCE))
                    .get(node);
            assertEquals(6, scrapes.size(), "two replicas × three intervals");
            scrapes.sort(java.util.Comparator.comparingLong(NodeScrape::getScrapeTimeMillis));
            for (int i = 0; i < 6; i += 2) {
                assertEquals(samples(scrapes.get(i)), samples(scrapes.get(i + 1)),
                        "both replicas read the same kubelet sample in interval " + (i / 2));
            }
            // the aggregator's rule (a point not newer than the last is ignored), applied to the records in order
            Map<String, List<Long>> last = new HashMap<>();
            Map<String, Integer> rates = new HashMap<>();
            for (NodeScrape scrape : scrapes) {
                samples(scrape).forEach((container, point) -> {
                    List<Long> previous = last.get(container);
                    if (previous != null && point.get(0) <= previous.get(0)) {
                        return; // not newer: ignored
                    }
                    if (previous != null) {
                        double nanocores = (point.get(1) - previous.get(1)) * 1000.0
                                / (point.get(0) - previous.get(0));
                        String[] parts = container.split("/");
                        long truth = sim.node(node).pod(parts[0], parts[1]).container(parts[2]).trueCpuNanocores();
                        assertEquals(truth, nanocores, Math.max(1000, truth * 1e-4), container + ": no spike");
                        rates.merge(container, 1, Integer::sum);
                    }
                    last.put(container, point);
                });
            }
            assertFalse(rates.isEmpty());
            rates.forEach((container, count) -> assertEquals(2, count, container
                    + ": one rate per interval after the first, not one per replica"));
            // the old replica stops scraping the node once it runs with the new count
            assertFalse(names(new dev.metricsstream.collector.pool.FixedTargetSource("static",
                    CollectorConfig.from(oldOwner).targets(), new dev.metricsstream.collector.pool.Shard(
                            Integer.parseInt(oldOwner.get("POOL_ORDINAL")), 3)).targets()).contains(node));
        }
    }

    /** container key → [cpuTimestampMillis, cumulativeCpuNanos] */
    private static Map<String, List<Long>> samples(NodeScrape scrape) {
        Map<String, List<Long>> samples = new java.util.TreeMap<>();
        for (PodSample pod : scrape.getPods()) {
            for (ContainerSample c : pod.getContainers()) {
                if (c.getCpuTimestampMillis() != null && c.getCumulativeCpuNanos() != null) {
                    samples.put(pod.getNamespace() + "/" + pod.getName() + "/" + c.getName(),
                            List.of(c.getCpuTimestampMillis(), c.getCumulativeCpuNanos()));
                }
            }
        }
        return samples;
    }

    private static Set<String> names(List<ScrapeTarget> targets) {
        Set<String> names = new TreeSet<>();
        targets.forEach(t -> names.add(t.nodeName()));
        return names;
    }

    private static Map<String, List<NodeScrape>> byNode(List<ConsumerRecord<String, NodeScrape>> records) {
        Map<String, List<NodeScrape>> byNode = new HashMap<>();
        for (ConsumerRecord<String, NodeScrape> record : records) {
            assertEquals(record.key(), record.value().getNodeName(), "keyed by node");
            byNode.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
        return byNode;
    }
}
