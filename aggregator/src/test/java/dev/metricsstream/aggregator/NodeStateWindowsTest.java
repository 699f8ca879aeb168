package dev.metricsstream.aggregator;

import static dev.metricsstream.aggregator.Scrapes.CORE_SECOND;
import static dev.metricsstream.aggregator.Scrapes.MIB;
import static dev.metricsstream.aggregator.Scrapes.container;
import static dev.metricsstream.aggregator.Scrapes.node;
import static dev.metricsstream.aggregator.Scrapes.pod;
import static dev.metricsstream.aggregator.Scrapes.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.NodeStateSerde;
import dev.metricsstream.aggregator.state.WindowSampleStore;
import dev.metricsstream.aggregator.window.OpenWindows;
import dev.metricsstream.aggregator.window.SampleSeries;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows computed from the node state equal a direct computation over the values the aggregator published on
 * node-metrics/pod-metrics, also when scrapes arrive late: nodes lagging behind others (within and beyond the
 * grace, as a collector's buffer after a broker outage) and a node's own scrapes out of order (the older one is a
 * replay: neither published nor counted). And node-usage holds exactly the latest pod-metrics values of its pods.
 */
class NodeStateWindowsTest {

    static final long T0 = 1_700_000_000_000L; // 20 s before a minute boundary
    static final long NODE_START = T0 - 3_600_000;
    static final int ROUNDS = 60; // 15 min at 15 s
    static final List<Long> SIZES = List.of(60_000L, 300_000L, 3_600_000L);

    @TempDir
    Path stateDir;

    TopologyFixture fixture;
    AggregatorMetrics metrics;
    TopologyTestDriver driver;
    TestOutputTopic<String, NodeMetrics> nodeMetrics;
    TestOutputTopic<String, PodMetrics> podMetrics;
    TestOutputTopic<String, NodeUsage> nodeUsage;
    TestOutputTopic<String, MetricsWindow> nodeWindows;
    TestOutputTopic<String, MetricsWindow> podWindows;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(Topics.withPrefix("w."), stateDir, Instant.ofEpochMilli(T0), Map.of(
                "SCRAPE_RESOLUTION", "15s", "WINDOW_GRACE", "30s", "WINDOW_SIZES", "1m,5m,1h"));
        metrics = fixture.metrics;
        driver = fixture.driver;
        Topics topics = fixture.topics;
        nodeMetrics = fixture.output(topics.nodeMetrics());
        podMetrics = fixture.output(topics.podMetrics());
        nodeUsage = fixture.output(topics.nodeUsage());
        nodeWindows = fixture.output(topics.nodeMetricsWindows());
        podWindows = fixture.output(topics.podMetricsWindows());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** A node of 3 pods whose rates and memory change randomly every round; cumulative counters are tracked. */
    static final class Fleet {
        final Random random = new Random(7);
        final Map<String, long[]> cumulative = new HashMap<>();

        NodeScrape scrape(String nodeName, int round) {
            long ts = T0 + round * 15_000L;
            List<PodSample> pods = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                String name = nodeName + "-pod-" + p;
                long[] cpu = cumulative.computeIfAbsent(name, k -> new long[] {1000 * CORE_SECOND});
                cpu[0] += random.nextInt(4_000) * (CORE_SECOND / 1_000) * 15 / 1_000 * 1_000;
                pods.add(pod("ns-" + p, name, "Running",
                        container("app", NODE_START, ts, cpu[0], (100 + random.nextInt(900)) * MIB)));
            }
            long[] nodeCpu = cumulative.computeIfAbsent(nodeName, k -> new long[] {90_000 * CORE_SECOND});
            nodeCpu[0] += random.nextInt(16_000) * (CORE_SECOND / 1_000) * 15;
            return Scrapes.scrape(nodeName, ts + 2, node(NODE_START, ts, nodeCpu[0], (4_000 + random.nextInt(4_000)) * MIB),
                    pods.toArray(new PodSample[0]));
        }
    }

    void pipe(NodeScrape scrape) {
        fixture.pipe(scrape);
    }

    @Test
    void windows_equal_a_direct_computation_over_the_published_samples_including_late_ones() {
        runAndCompare(round -> { });
        assertEquals(0, count(driver.getKeyValueStore(AggregatorTopology.NODE_STATE_STORE)),
                "silent nodes are deleted once their windows closed");
        assertEquals(0, count(driver.getKeyValueStore(AggregatorTopology.WINDOW_SAMPLES_STORE)),
                "and their window samples with them");
    }

    /**
     * A node state written by the version that kept the window samples inside it (format 2) is read, its samples are
     * moved into the window sample store when the processor loads it, and every window still comes out equal to the
     * direct computation.
     */
    @Test
    void a_state_that_holds_its_window_samples_itself_is_migrated_and_its_windows_stay_exact() {
        runAndCompare(round -> {
            if (round != 30) {
                return;
            }
            KeyValueStore<String, NodeState> states = driver.getKeyValueStore(AggregatorTopology.NODE_STATE_STORE);
            KeyValueStore<Bytes, byte[]> chunks = driver.getKeyValueStore(AggregatorTopology.WINDOW_SAMPLES_STORE);
            WindowSampleStore log = new WindowSampleStore(chunks);
            NodeState state = states.get("node-a");
            Map<String, SampleSeries> samples = log.read("node-a", Long.MIN_VALUE);
            assertTrue(samples.size() == 4 && samples.get("node-a").size() > 20, "samples of 30 rounds: " + samples);
            log.deleteAll("node-a");
            NodeState legacy = state.withWindows(state.windowWatermarkMillis(), OpenWindows.legacy(samples));
            byte[] written = new NodeStateSerde().serialize("t", legacy);
            assertEquals(2, written[0], "written as the earlier format did");
            states.put("node-a", new NodeStateSerde().deserialize("t", written));
        });
        assertEquals(0, count(driver.getKeyValueStore(AggregatorTopology.WINDOW_SAMPLES_STORE)));
    }

    /** A node scraped for three hours keeps about an hour of chunks (one per scrape), not more. */
    @Test
    void a_node_keeps_at_most_about_an_hour_of_chunks_and_none_once_it_is_gone() {
        Fleet fleet = new Fleet();
        KeyValueStore<Bytes, byte[]> chunks = driver.getKeyValueStore(AggregatorTopology.WINDOW_SAMPLES_STORE);
        long most = 0;
        for (int round = 0; round < 720; round++) {
            pipe(fleet.scrape("node-a", round));
            driver.advanceWallClockTime(Duration.ofSeconds(15));
            most = Math.max(most, count(chunks));
        }
        assertTrue(most >= 240 && most <= 245, "an hour of 15 s chunks and the grace: " + most);
        assertTrue(nodeWindows.readKeyValuesToList().size() > 180, "windows closed meanwhile");
        driver.advanceWallClockTime(Duration.ofHours(2));
        driver.advanceWallClockTime(Duration.ofSeconds(15));
        assertEquals(0, count(chunks), "a node gone stale leaves no chunk behind");
        assertEquals(0, count(driver.getKeyValueStore(AggregatorTopology.NODE_STATE_STORE)));
    }

    static long count(KeyValueStore<?, ?> store) {
        long n = 0;
        try (KeyValueIterator<?, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    void runAndCompare(java.util.function.IntConsumer atRound) {
        Fleet fleet = new Fleet();
        Map<Integer, List<NodeScrape>> byRound = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            byRound.put(round, List.of(fleet.scrape("node-a", round), fleet.scrape("node-b", round),
                    fleet.scrape("node-c", round)));
        }
        List<NodeScrape> heldB = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            atRound.accept(round);
            List<NodeScrape> now = byRound.get(round);
            pipe(now.get(0)); // node-a: on time
            // node-b: its collector buffers rounds 10..17 (a 2-minute broker outage), then delivers them at once
            if (round >= 10 && round < 18) {
                heldB.add(now.get(1));
            } else {
                if (round == 18) {
                    heldB.forEach(this::pipe);
                    heldB.clear();
                }
                pipe(now.get(1));
            }
            // node-c: runs 2 rounds (30 s, within the grace) behind the others, and its rounds 20/21 arrive swapped
            if (round >= 2) {
                int c = round - 2;
                if (c == 20) {
                    pipe(byRound.get(21).get(2));
                } else if (c == 21) {
                    pipe(byRound.get(20).get(2)); // older than what was applied: a replay, ignored whole
                } else {
                    pipe(byRound.get(c).get(2));
                }
            }
            driver.advanceWallClockTime(Duration.ofSeconds(15));
        }
        pipe(byRound.get(ROUNDS - 2).get(2));
        pipe(byRound.get(ROUNDS - 1).get(2));
        // everyone falls silent: the wall-clock sweep tombstones the nodes and closes the rest of their windows
        driver.advanceWallClockTime(Duration.ofHours(2));
        driver.advanceWallClockTime(Duration.ofSeconds(15));

        DirectWindows direct = new DirectWindows();
        for (TestRecord<String, NodeMetrics> r : nodeMetrics.readRecordsToList()) {
            if (r.value() != null) {
                direct.node(r.key(), r.value());
            }
        }
        for (TestRecord<String, PodMetrics> r : podMetrics.readRecordsToList()) {
            if (r.value() != null) {
                direct.pod(r.key(), r.value());
            }
        }
        Map<String, List<long[]>> samples = direct.samples();
        assertEquals(12, samples.size(), "3 nodes and 9 pods published");
        assertEquals(ROUNDS - 1, samples.get("node-a").size(), "node-a: every round after the first");
        assertEquals(ROUNDS - 2, samples.get("node-c").size(), "node-c: less its replayed round 20");
        assertTrue(samples.get("node-b").size() >= ROUNDS - 4,
                "node-b's buffered rounds were published: " + samples.get("node-b").size());

        Map<String, MetricsWindow> expected = direct.expected(SIZES, Long.MAX_VALUE);
        Map<String, MetricsWindow> actual = new TreeMap<>();
        for (KeyValue<String, MetricsWindow> kv : nodeWindows.readKeyValuesToList()) {
            assertNull(actual.put(kv.key, kv.value), "emitted once: " + kv.key);
        }
        for (KeyValue<String, MetricsWindow> kv : podWindows.readKeyValuesToList()) {
            assertNull(actual.put(kv.key, kv.value), "emitted once: " + kv.key);
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((key, window) -> assertEquals(window, actual.get(key), key));
        assertEquals(0, metrics.lateWindowSampleCount(), "nothing arrived after its window closed");
    }

    @Test
    void node_usage_holds_the_node_and_exactly_the_latest_pod_metrics_of_its_live_pods_sorted() {
        Fleet fleet = new Fleet();
        Map<String, PodMetrics> latestPods = new TreeMap<>();
        NodeMetrics latestNode = null;
        for (int round = 0; round < 4; round++) {
            NodeScrape scrape = fleet.scrape("node-a", round);
            if (round == 3) {
                // pod 1 leaves the node; pod 2's sample is incomplete (it stays live with its previous value)
                PodSample incomplete = scrape.getPods().get(2);
                incomplete.getContainers().get(0).setCumulativeCpuNanos(null);
                scrape.setPods(new ArrayList<>(List.of(scrape.getPods().get(0), incomplete)));
            }
            pipe(scrape);
            for (KeyValue<String, PodMetrics> kv : podMetrics.readKeyValuesToList()) {
                latestPods.put(kv.key, kv.value);
            }
            for (NodeMetrics value : nodeMetrics.readValuesToList()) {
                latestNode = value;
            }
            List<KeyValue<String, NodeUsage>> usage = nodeUsage.readKeyValuesToList();
            assertEquals(1, usage.size(), "one node-usage record per applied scrape");
            NodeUsage value = usage.get(0).value;
            assertEquals("node-a", usage.get(0).key);
            assertEquals(15_000L, value.getScrapeResolutionMillis());
            assertEquals(Map.of("kubernetes.io/hostname", "node-a"), value.getLabels());
            if (latestNode == null) {
                assertNull(value.getNode());
            } else {
                assertEquals(latestNode.getTimestampMillis(), value.getNode().getTimestampMillis());
                assertEquals(latestNode.getCpuNanocores(), value.getNode().getCpuNanocores());
                assertEquals(latestNode.getWindowNanos(), value.getNode().getWindowNanos());
            }
            List<String> expected = new ArrayList<>();
            latestPods.values().stream().filter(p -> p != null)
                    .sorted(java.util.Comparator.comparing((PodMetrics p) -> p.getNamespace())
                            .thenComparing(PodMetrics::getName))
                    .forEach(p -> expected.add(describe(p.getNamespace(), p.getName(), p.getLabels(),
                            p.getTimestampMillis(), p.getWindowNanos(), p.getContainers().stream()
                                    .map(c -> c.getName() + "=" + c.getCpuNanocores() + "/"
                                            + c.getMemoryWorkingSetBytes()).toList())));
            List<String> actual = new ArrayList<>();
            for (PodUsage p : value.getPods()) {
                actual.add(describe(p.getNamespace(), p.getName(), p.getLabels(), p.getTimestampMillis(),
                        p.getWindowNanos(), p.getContainers().stream().map(c -> c.getName() + "="
                                + c.getCpuNanocores() + "/" + c.getMemoryWorkingSetBytes()).toList()));
            }
            assertEquals(expected, actual, "round " + round);
            if (round == 3) {
                assertEquals(2, actual.size(), "the pod that left is gone, the incomplete one is still live");
            }
        }
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        List<KeyValue<String, NodeUsage>> gone = nodeUsage.readKeyValuesToList();
        assertEquals(List.of(KeyValue.pair("node-a", (NodeUsage) null)), gone, "a stale node's record is deleted");
    }

    private static String describe(String namespace, String name, Map<String, String> labels, long timestampMillis,
                                   long windowNanos, List<String> containers) {
        return namespace + "/" + name + " " + new TreeMap<>(labels) + " @" + timestampMillis + " w" + windowNanos
                + " " + containers;
    }

}
