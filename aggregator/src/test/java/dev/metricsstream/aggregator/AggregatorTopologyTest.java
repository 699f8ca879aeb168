package dev.metricsstream.aggregator;

import static dev.metricsstream.aggregator.Scrapes.CORE_SECOND;
import static dev.metricsstream.aggregator.Scrapes.MIB;
import static dev.metricsstream.aggregator.Scrapes.container;
import static dev.metricsstream.aggregator.Scrapes.node;
import static dev.metricsstream.aggregator.Scrapes.pod;
import static dev.metricsstream.aggregator.Scrapes.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.schemas.DeadLetterHeaders;
import dev.metricsstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology through TopologyTestDriver: rates, pod assembly, tombstones, windows, dead letters. */
class AggregatorTopologyTest {

    static final long T = 1_700_000_040_000L; // a minute boundary, and the end of a 5-minute window
    static final long NODE_START = T - 3_600_000;

    @TempDir
    Path stateDir;

    final Topics topics = Topics.withPrefix("test.");
    TopologyFixture fixture;
    AggregatorMetrics metrics;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> rawScrapes;
    TestOutputTopic<String, NodeMetrics> nodeMetrics;
    TestOutputTopic<String, PodMetrics> podMetrics;
    TestOutputTopic<String, MetricsWindow> nodeWindows;
    TestOutputTopic<String, MetricsWindow> podWindows;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        fixture = new TopologyFixture(topics, stateDir, Instant.ofEpochMilli(T), Map.of(
                "SCRAPE_RESOLUTION", "15s",
                "WINDOW_GRACE", "10s"));
        metrics = fixture.metrics;
        driver = fixture.driver;
        rawScrapes = driver.createInputTopic(topics.kubeletScrapes().name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        nodeMetrics = fixture.output(topics.nodeMetrics());
        podMetrics = fixture.output(topics.podMetrics());
        nodeWindows = fixture.output(topics.nodeMetricsWindows());
        podWindows = fixture.output(topics.podMetricsWindows());
        deadLetters = driver.createOutputTopic(topics.kubeletScrapesDlq().name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Pod "web" (0.5 cores) and the node (2 cores) at T + seconds. */
    static NodeScrape steady(String nodeName, long seconds, PodSample... extra) {
        long ts = T + seconds * 1000;
        List<PodSample> pods = new ArrayList<>();
        pods.add(pod("ns", "web-" + nodeName, "Running",
                container("app", NODE_START, ts, 100 * CORE_SECOND + seconds * CORE_SECOND / 2, 64 * MIB)));
        pods.addAll(List.of(extra));
        return scrape(nodeName, ts + 3, node(NODE_START, ts, 5000 * CORE_SECOND + 2 * seconds * CORE_SECOND,
                2048 * MIB), pods.toArray(new PodSample[0]));
    }

    void pipe(NodeScrape scrape) {
        fixture.pipe(scrape);
    }

    @Test
    void two_scrapes_publish_node_and_pod_rates_as_metrics_server_computes_them() {
        pipe(steady("node1", 0));
        assertTrue(nodeMetrics.isEmpty(), "one point gives no rate");
        assertTrue(podMetrics.isEmpty());
        pipe(steady("node1", 15));

        TestRecord<String, NodeMetrics> node = nodeMetrics.readRecord();
        assertEquals("node1", node.key());
        assertEquals(2_000_000_000L, node.value().getCpuNanocores());
        assertEquals(2048 * MIB, node.value().getMemoryWorkingSetBytes());
        assertEquals(15_000_000_000L, node.value().getWindowNanos());
        assertEquals(T + 15_000, node.value().getTimestampMillis());
        assertEquals(Map.of("kubernetes.io/hostname", "node1"), node.value().getLabels());

        TestRecord<String, PodMetrics> pod = podMetrics.readRecord();
        assertEquals("ns/web-node1", pod.key());
        assertEquals(500_000_000L, pod.value().getContainers().get(0).getCpuNanocores());
        assertEquals(64 * MIB, pod.value().getContainers().get(0).getMemoryWorkingSetBytes());
        assertEquals("node1", pod.value().getNodeName());
        assertEquals(T + 15_000, pod.timestamp(), "record time is the kubelet sample time");
    }

    @Test
    void duplicated_and_replayed_scrapes_never_publish_a_wrong_or_older_rate() {
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));
        pipe(steady("node1", 15)); // at-least-once duplicate
        pipe(steady("node1", 0)); // replay of an older one
        pipe(steady("node1", 30));
        List<NodeMetrics> values = nodeMetrics.readValuesToList();
        assertEquals(2, values.size());
        values.forEach(v -> assertEquals(2_000_000_000L, v.getCpuNanocores()));
        assertEquals(List.of(T + 15_000, T + 30_000), values.stream().map(NodeMetrics::getTimestampMillis).toList());
        assertEquals(2, metrics.scrapeCount("replay"));
    }

    @Test
    void fresh_container_gets_a_rate_from_its_start_time_in_its_first_scrape() {
        long ts = T + 15_000;
        pipe(steady("node1", 0));
        pipe(steady("node1", 15, pod("ns", "new", "Running",
                container("app", ts - 12_000, ts, 3 * CORE_SECOND, 10 * MIB))));
        PodMetrics fresh = podMetrics.readKeyValuesToMap().get("ns/new");
        assertNotNull(fresh, "10 s <= age < resolution: synthetic (start, 0) point");
        assertEquals(250_000_000L, fresh.getContainers().get(0).getCpuNanocores());
        assertEquals(12_000_000_000L, fresh.getWindowNanos());
    }

    @Test
    void container_younger_than_10s_waits_for_its_second_point() {
        long ts = T + 15_000;
        pipe(steady("node1", 0));
        pipe(steady("node1", 15, pod("ns", "new", "Running",
                container("app", ts - 5_000, ts, CORE_SECOND, 10 * MIB))));
        assertNull(podMetrics.readKeyValuesToMap().get("ns/new"));
        pipe(steady("node1", 30, pod("ns", "new", "Running",
                container("app", ts - 5_000, ts + 15_000, 4 * CORE_SECOND, 10 * MIB))));
        assertEquals(200_000_000L, podMetrics.readKeyValuesToMap().get("ns/new").getContainers().get(0)
                .getCpuNanocores());
    }

    @Test
    void restarted_container_starts_over_and_never_publishes_a_negative_or_spiking_rate() {
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));
        podMetrics.readValuesToList();
        long ts = T + 30_000;
        // restarted 2 s before the sample with a small counter: StartedOver, no value for the pod this scrape
        NodeScrape restarted = steady("node1", 30);
        restarted.getPods().set(0, pod("ns", "web-node1", "Running",
                container("app", ts - 2_000, ts, CORE_SECOND / 100, 64 * MIB)));
        pipe(restarted);
        assertTrue(podMetrics.isEmpty());
        NodeScrape after = steady("node1", 45);
        after.getPods().set(0, pod("ns", "web-node1", "Running",
                container("app", ts - 2_000, ts + 15_000, CORE_SECOND / 100 + 15 * CORE_SECOND / 2, 64 * MIB)));
        pipe(after);
        assertEquals(500_000_000L, podMetrics.readValue().getContainers().get(0).getCpuNanocores());
    }

    @Test
    void decreasing_counter_gives_no_value_then_recovers() {
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));
        nodeMetrics.readValuesToList();
        NodeScrape rebooted = steady("node1", 30);
        rebooted.getNode().setCumulativeCpuNanos(10 * CORE_SECOND);
        pipe(rebooted);
        assertTrue(nodeMetrics.isEmpty(), "metrics-server serves nothing for a decreasing counter");
        NodeScrape next = steady("node1", 45);
        next.getNode().setCumulativeCpuNanos(10 * CORE_SECOND + 15 * CORE_SECOND);
        pipe(next);
        assertEquals(1_000_000_000L, nodeMetrics.readValue().getCpuNanocores());
    }

    @Test
    void kubelet_cached_sample_keeps_the_rate_without_republishing() {
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));
        nodeMetrics.readValuesToList();
        NodeScrape cached = steady("node1", 15);
        cached.setScrapeTimeMillis(cached.getScrapeTimeMillis() + 5_000);
        pipe(cached);
        assertTrue(nodeMetrics.isEmpty());
        pipe(steady("node1", 30));
        NodeMetrics value = nodeMetrics.readValue();
        assertEquals(2_000_000_000L, value.getCpuNanocores());
        assertEquals(15_000_000_000L, value.getWindowNanos());
    }

    @Test
    void zero_reporting_init_containers_are_left_out_and_the_pod_is_published() {
        long ts0 = T;
        long ts1 = T + 15_000;
        ContainerSample initDone = ContainerSample.newBuilder().setName("init-config").setStartTimeMillis(NODE_START)
                .setCumulativeCpuNanos(0L).setCpuTimestampMillis(ts0).setMemoryWorkingSetBytes(0L)
                .setMemoryTimestampMillis(ts0).build();
        pipe(steady("node1", 0, pod("default", "dd-agent", "Running", initDone,
                container("agent", NODE_START, ts0, 50 * CORE_SECOND, 80 * MIB))));
        ContainerSample initDone1 = ContainerSample.newBuilder(initDone).setCpuTimestampMillis(ts1)
                .setMemoryTimestampMillis(ts1).build();
        pipe(steady("node1", 15, pod("default", "dd-agent", "Running", initDone1,
                container("agent", NODE_START, ts1, 53 * CORE_SECOND, 81 * MIB))));
        PodMetrics agent = podMetrics.readKeyValuesToMap().get("default/dd-agent");
        assertEquals(1, agent.getContainers().size());
        assertEquals("agent", agent.getContainers().get(0).getName());
        assertEquals(200_000_000L, agent.getContainers().get(0).getCpuNanocores());
    }

    @Test
    void only_running_pods_are_published_and_a_pod_leaving_running_is_tombstoned() {
        long ts0 = T;
        long ts1 = T + 15_000;
        long ts2 = T + 30_000;
        pipe(steady("node1", 0, pod("ns", "pending", "Pending", container("c", NODE_START, ts0, CORE_SECOND, MIB)),
                pod("ns", "job", "Running", container("c", NODE_START, ts0, CORE_SECOND, MIB))));
        pipe(steady("node1", 15, pod("ns", "pending", "Pending", container("c", NODE_START, ts1, 2 * CORE_SECOND,
                MIB)), pod("ns", "job", "Running", container("c", NODE_START, ts1, 2 * CORE_SECOND, MIB))));
        Map<String, PodMetrics> published = podMetrics.readKeyValuesToMap();
        assertTrue(published.containsKey("ns/job"));
        assertTrue(!published.containsKey("ns/pending"));
        pipe(steady("node1", 30, pod("ns", "job", "Succeeded", container("c", NODE_START, ts2, 3 * CORE_SECOND,
                MIB))));
        List<KeyValue<String, PodMetrics>> after = podMetrics.readKeyValuesToList();
        assertTrue(after.contains(KeyValue.pair("ns/job", null)), "tombstone for the finished pod: " + after);
    }

    @Test
    void pod_deleted_from_the_node_is_tombstoned_at_once() {
        long ts0 = T;
        long ts1 = T + 15_000;
        pipe(steady("node1", 0, pod("ns", "doomed", "Running", container("c", NODE_START, ts0, CORE_SECOND, MIB))));
        pipe(steady("node1", 15, pod("ns", "doomed", "Running",
                container("c", NODE_START, ts1, 2 * CORE_SECOND, MIB))));
        assertNotNull(podMetrics.readKeyValuesToMap().get("ns/doomed"));
        pipe(steady("node1", 30));
        List<KeyValue<String, PodMetrics>> after = podMetrics.readKeyValuesToList();
        assertTrue(after.contains(KeyValue.pair("ns/doomed", null)), "got " + after);
        assertEquals(1, metrics.tombstoneCount("pod", "missing"));
    }

    @Test
    void every_reason_a_pod_is_held_back_is_counted_under_its_own_label() {
        long ts = T + 15_000;
        pipe(steady("node1", 0)); // the web pod's first point: held back as incomplete
        List<String> labels = List.of("incomplete", "not_running", "no_container", "duplicate");
        Map<String, Double> before = new java.util.HashMap<>();
        labels.forEach(label -> before.put(label, metrics.podsNotPublishedCount(label)));
        pipe(steady("node1", 15,
                pod("ns", "fresh", "Running", container("c", NODE_START, ts, CORE_SECOND, MIB)),
                pod("ns", "pending", "Pending", container("c", NODE_START, ts, CORE_SECOND, MIB)),
                pod("ns", "empty", "Running"),
                pod("ns", "web-node1", "Running", container("c", NODE_START, ts, CORE_SECOND, MIB))));
        assertEquals(List.of("ns/web-node1"), podMetrics.readKeyValuesToList().stream().map(kv -> kv.key).toList(),
                "only the first web pod is published");
        for (String label : labels) {
            assertEquals(1, metrics.podsNotPublishedCount(label) - before.get(label), label);
        }
    }

    @Test
    void silent_node_and_its_pods_are_tombstoned_by_the_wall_clock_punctuator() {
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));
        pipe(steady("node2", 0));
        pipe(steady("node2", 15));
        nodeMetrics.readValuesToList();
        podMetrics.readValuesToList();
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        pipe(steady("node2", 30)); // node2 keeps reporting, node1 falls silent
        driver.advanceWallClockTime(Duration.ofSeconds(20)); // node1 last seen 50 s ago > 45 s bound
        Map<String, NodeMetrics> nodes = nodeMetrics.readKeyValuesToMap();
        assertTrue(nodes.containsKey("node1") && nodes.get("node1") == null, "node1 tombstoned: " + nodes);
        assertNotNull(nodes.get("node2"));
        List<KeyValue<String, PodMetrics>> pods = podMetrics.readKeyValuesToList();
        assertTrue(pods.contains(KeyValue.pair("ns/web-node1", null)), "pods of node1 tombstoned: " + pods);
        assertTrue(pods.stream().noneMatch(kv -> kv.key.equals("ns/web-node2") && kv.value == null));
        assertEquals(1, metrics.tombstoneCount("node", "stale"));
        assertEquals(1, metrics.tombstoneCount("pod", "stale"));
    }

    @Test
    void windows_aggregate_rates_and_are_emitted_once_when_they_close() {
        assertEquals(0, T % 60_000, "T starts a minute window");
        // rates at T+15, T+30, T+45 fall in the minute [T, T+60 s); it closes once stream time passes T+70 s
        for (long s = 0; s <= 60; s += 15) {
            NodeScrape scrape = steady("node1", s);
            scrape.getNode().setMemoryWorkingSetBytes((1000 + s) * MIB);
            pipe(scrape);
        }
        assertTrue(nodeWindows.isEmpty(), "minute still open (grace 10 s)");
        pipe(steady("node1", 75));
        List<KeyValue<String, MetricsWindow>> closed = nodeWindows.readKeyValuesToList();
        // T is also the end of a 5-minute window: both close, one record each
        assertEquals(List.of("node1@60000@" + T, "node1@300000@" + (T - 240_000)),
                closed.stream().map(kv -> kv.key).toList());
        assertEquals(3, closed.get(1).value.getCount());
        MetricsWindow window = closed.get(0).value;
        assertEquals(EntityKind.NODE, window.getEntityKind());
        assertEquals(3, window.getCount());
        assertEquals(2.0, window.getCpuCoresAvg(), 1e-9);
        assertEquals(2.0, window.getCpuCoresP99(), 0.002);
        assertEquals(1015 * MIB, window.getMemoryBytesMin());
        assertEquals(1045 * MIB, window.getMemoryBytesMax());
        assertEquals(1030.0 * MIB, window.getMemoryBytesAvg(), 1e-6);
        assertEquals(T, window.getWindowStartMillis());
        assertEquals(T + 60_000, window.getWindowEndMillis());

        MetricsWindow podWindow = podWindows.readKeyValuesToMap().get("ns/web-node1@60000@" + T);
        assertEquals(EntityKind.POD, podWindow.getEntityKind());
        assertEquals(0.5, podWindow.getCpuCoresAvg(), 1e-9);
        assertEquals("node1", podWindow.getNodeName());

        pipe(steady("node1", 90));
        assertTrue(nodeWindows.isEmpty(), "a closed window is emitted once");

        assertTrue(podWindows.readKeyValuesToMap().keySet().stream().noneMatch(k -> k.contains("@3600000@")),
                "the hour window is still open and not emitted");
    }

    @Test
    void garbage_and_unprocessable_records_go_to_the_dead_letter_topic_and_processing_continues() {
        rawScrapes.pipeInput("node1".getBytes(StandardCharsets.UTF_8),
                "not avro at all".getBytes(StandardCharsets.UTF_8), T);
        NodeScrape misfiled = steady("node2", 0);
        fixture.scrapes.pipeInput("node1", misfiled, T); // keyed by another node than it describes
        pipe(steady("node1", 0));
        pipe(steady("node1", 15));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(2, dead.size());
        TestRecord<byte[], byte[]> garbage = dead.get(0);
        assertEquals("not avro at all", new String(garbage.value(), StandardCharsets.UTF_8), "bytes kept as read");
        assertEquals("node1", new String(garbage.key(), StandardCharsets.UTF_8));
        assertEquals(topics.kubeletScrapes().name(), header(garbage, DeadLetters.HEADER_SOURCE_TOPIC));
        assertEquals(topics.kubeletScrapes().name(), header(garbage, DeadLetters.HEADER_TOPIC));
        assertEquals("0", header(garbage, DeadLetters.HEADER_SOURCE_PARTITION));
        assertEquals("0", header(garbage, DeadLetters.HEADER_SOURCE_OFFSET));
        assertEquals("deserialization", header(garbage, DeadLetters.HEADER_STAGE));
        assertEquals("bad-header", header(garbage, DeadLetterHeaders.REASON), "the schemas' decoding reason");
        assertTrue(header(garbage, DeadLetterHeaders.MESSAGE).contains("bad-header"));
        assertNotNull(header(garbage, DeadLetters.HEADER_EXCEPTION));

        TestRecord<byte[], byte[]> unprocessable = dead.get(1);
        assertEquals("1", header(unprocessable, DeadLetters.HEADER_SOURCE_OFFSET));
        assertEquals("processing", header(unprocessable, DeadLetters.HEADER_STAGE));
        assertEquals("key_mismatch", header(unprocessable, DeadLetters.HEADER_REASON));
        assertEquals(InvalidScrapeException.class.getName(), header(unprocessable, DeadLetters.HEADER_EXCEPTION));
        assertTrue(header(unprocessable, DeadLetters.HEADER_MESSAGE).contains("node2"));
        assertEquals(misfiled, topics.kubeletScrapes().valueSerde().deserializer().deserialize("t",
                unprocessable.value()), "the original bytes, decodable for a replay");

        assertEquals(2_000_000_000L, nodeMetrics.readValue().getCpuNanocores(), "later records still processed");
        assertEquals(2.0, metrics.deadLetterCount());
        assertTrue(nodeMetrics.isEmpty() || nodeMetrics.readKeyValuesToMap().keySet().equals(java.util.Set.of(
                "node1")), "nothing was published for the misfiled scrape");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
