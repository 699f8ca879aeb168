package dev.metricsstream.aggregator.scrape;

import static dev.metricsstream.aggregator.Scrapes.CORE_SECOND;
import static dev.metricsstream.aggregator.Scrapes.MIB;
import static dev.metricsstream.aggregator.Scrapes.container;
import static dev.metricsstream.aggregator.Scrapes.node;
import static dev.metricsstream.aggregator.Scrapes.pod;
import static dev.metricsstream.aggregator.Scrapes.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.NodeStateSerde;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapeStepTest {

    static final long T = 1_700_000_000_000L;
    static final long NODE_START = T - 3_600_000;
    static final Duration RESOLUTION = Duration.ofSeconds(15);

    /** A scrape at T + seconds where pod "a" and the node use 0.5 cores and pod "b" 0.25 cores. */
    static NodeScrape scrapeAt(long seconds, PodSample... extraPods) {
        long ts = T + seconds * 1000;
        PodSample a = pod("ns", "a", "Running",
                container("app", NODE_START, ts, 100 * CORE_SECOND + seconds * CORE_SECOND / 2, 10 * MIB));
        PodSample b = pod("ns", "b", "Running",
                container("app", NODE_START, ts, 100 * CORE_SECOND + seconds * CORE_SECOND / 4, 20 * MIB));
        PodSample[] pods = new PodSample[2 + extraPods.length];
        pods[0] = a;
        pods[1] = b;
        System.arraycopy(extraPods, 0, pods, 2, extraPods.length);
        return scrape("node1", ts + 5, node(NODE_START, ts, 1000 * CORE_SECOND + seconds * CORE_SECOND / 2, 900 * MIB),
                pods);
    }

    static ScrapeStep.Result apply(NodeState state, NodeScrape scrape) {
        ScrapeStep.Result result = ScrapeStep.apply(state, scrape, scrape.getScrapeTimeMillis(), RESOLUTION);
        // every state must survive the store's serde unchanged
        NodeStateSerde serde = new NodeStateSerde();
        assertEquals(result.next(), serde.deserialize("t", serde.serialize("t", result.next())));
        return result;
    }

    @Test
    void first_scrape_publishes_nothing_and_second_publishes_node_and_pods() {
        ScrapeStep.Result first = apply(null, scrapeAt(0));
        assertEquals(List.of(), first.emissions());
        ScrapeStep.Result second = apply(first.next(), scrapeAt(15));
        assertEquals(3, second.emissions().size());
        Emission.NodeUpdate nodeUpdate = assertInstanceOf(Emission.NodeUpdate.class, second.emissions().get(0));
        assertEquals(500_000_000L, nodeUpdate.value().getCpuNanocores());
        assertEquals(15_000_000_000L, nodeUpdate.value().getWindowNanos());
        Emission.PodUpdate podA = assertInstanceOf(Emission.PodUpdate.class, second.emissions().get(1));
        assertEquals("ns/a", podA.key());
        assertEquals(500_000_000L, podA.value().getContainers().get(0).getCpuNanocores());
        Emission.PodUpdate podB = assertInstanceOf(Emission.PodUpdate.class, second.emissions().get(2));
        assertEquals(250_000_000L, podB.value().getContainers().get(0).getCpuNanocores());
        assertEquals(T + 15_000, podB.timestampMillis());
    }

    @Test
    void pod_missing_from_newest_scrape_is_tombstoned_at_once() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape withoutB = scrapeAt(30);
        withoutB.setPods(List.of(withoutB.getPods().get(0)));
        ScrapeStep.Result result = apply(state, withoutB);
        assertTrue(result.emissions().contains(new Emission.PodTombstone("ns/b", withoutB.getScrapeTimeMillis())));
        assertFalse(result.next().pods().containsKey("ns/b"));
    }

    @Test
    void replayed_or_duplicated_scrape_is_ignored_whole() {
        NodeState afterFirst = apply(null, scrapeAt(0)).next();
        NodeState afterSecond = apply(afterFirst, scrapeAt(15)).next();
        ScrapeStep.Result replayOld = apply(afterSecond, scrapeAt(0));
        ScrapeStep.Result replaySame = apply(afterSecond, scrapeAt(15));
        assertTrue(replayOld.ignoredAsReplay());
        assertTrue(replaySame.ignoredAsReplay());
        assertEquals(List.of(), replayOld.emissions());
        assertEquals(afterSecond, replaySame.next());
        ScrapeStep.Result third = apply(replayOld.next(), scrapeAt(30));
        assertEquals(500_000_000L, ((Emission.NodeUpdate) third.emissions().get(0)).value().getCpuNanocores(),
                "the rate after a replay is still exact");
    }

    @Test
    void kubelet_serving_a_cached_sample_does_not_republish_or_disturb_the_rate() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape cached = scrapeAt(15);
        cached.setScrapeTimeMillis(cached.getScrapeTimeMillis() + 7_000); // new scrape, same kubelet samples
        ScrapeStep.Result result = apply(state, cached);
        assertEquals(List.of(), result.emissions());
        ScrapeStep.Result next = apply(result.next(), scrapeAt(30));
        assertEquals(3, next.emissions().size());
        assertEquals(15_000_000_000L, ((Emission.NodeUpdate) next.emissions().get(0)).value().getWindowNanos());
    }

    @Test
    void restarted_container_gets_a_rate_from_its_start_time_without_a_spike() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        long ts = T + 30_000;
        NodeScrape restarted = scrapeAt(30);
        // container of pod a restarted 12 s before the sample, used 0.5 cores since: fresh-container baseline
        restarted.getPods().set(0, pod("ns", "a", "Running",
                container("app", ts - 12_000, ts, 6 * CORE_SECOND, 10 * MIB)));
        ScrapeStep.Result result = apply(state, restarted);
        Emission.PodUpdate podA = result.emissions().stream().filter(e -> e.key().equals("ns/a"))
                .map(Emission.PodUpdate.class::cast).findFirst().orElseThrow();
        assertEquals(500_000_000L, podA.value().getContainers().get(0).getCpuNanocores());
        assertEquals(12_000_000_000L, podA.value().getWindowNanos());
    }

    @Test
    void restarted_old_container_publishes_nothing_for_the_pod_until_the_next_scrape() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        long ts = T + 30_000;
        NodeScrape restarted = scrapeAt(30);
        restarted.getPods().set(0, pod("ns", "a", "Running", container("app", ts - 2_000, ts, CORE_SECOND, MIB)));
        ScrapeStep.Result result = apply(state, restarted);
        assertTrue(result.emissions().stream().noneMatch(e -> e.key().equals("ns/a")));
        assertTrue(result.podsNotPublished().get("ns/a").detail().contains("StartedOver"));
        assertEquals(NotPublished.Reason.INCOMPLETE, result.podsNotPublished().get("ns/a").reason());
        NodeScrape after = scrapeAt(45);
        after.getPods().set(0, pod("ns", "a", "Running",
                container("app", ts - 2_000, ts + 15_000, CORE_SECOND + 3 * CORE_SECOND, MIB)));
        Emission.PodUpdate podA = apply(result.next(), after).emissions().stream()
                .filter(e -> e.key().equals("ns/a")).map(Emission.PodUpdate.class::cast).findFirst().orElseThrow();
        assertEquals(200_000_000L, podA.value().getContainers().get(0).getCpuNanocores());
    }

    @Test
    void pod_leaving_running_phase_is_tombstoned() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape scrape = scrapeAt(30);
        PodSample b = scrape.getPods().get(1);
        b.setPhase("Succeeded");
        ScrapeStep.Result result = apply(state, scrape);
        assertTrue(result.emissions().contains(new Emission.PodTombstone("ns/b", scrape.getScrapeTimeMillis())));
        assertEquals(new NotPublished(NotPublished.Reason.NOT_RUNNING, "phase Succeeded"),
                result.podsNotPublished().get("ns/b"));
    }

    @Test
    void incomplete_node_sample_tombstones_the_node_like_metrics_server() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape scrape = scrapeAt(30);
        scrape.getNode().setMemoryWorkingSetBytes(null);
        ScrapeStep.Result result = apply(state, scrape);
        assertTrue(result.emissions().contains(new Emission.NodeTombstone("node1", scrape.getScrapeTimeMillis())));
        assertEquals(2, result.emissions().size() - 1, "pods still published");
    }

    @Test
    void should_not_error_out_if_duplicate_pods_were_received_first_wins() {
        NodeState state = apply(null, scrapeAt(0)).next();
        NodeScrape scrape = scrapeAt(15);
        long ts = T + 15_000;
        scrape.getPods().add(pod("ns", "a", "Running", container("app", NODE_START, ts, 99 * CORE_SECOND, MIB)));
        ScrapeStep.Result result = apply(state, scrape);
        Emission.PodUpdate podA = result.emissions().stream().filter(e -> e.key().equals("ns/a"))
                .map(Emission.PodUpdate.class::cast).findFirst().orElseThrow();
        assertEquals(500_000_000L, podA.value().getContainers().get(0).getCpuNanocores());
        assertEquals(new NotPublished(NotPublished.Reason.DUPLICATE, "duplicate pod in scrape"),
                result.podsNotPublished().get("ns/a"));
    }

    @Test
    void scrape_without_pods_tombstones_every_published_pod() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape empty = scrapeAt(30);
        empty.setPods(List.of());
        ScrapeStep.Result result = apply(state, empty);
        assertEquals(2, result.emissions().stream().filter(e -> e instanceof Emission.PodTombstone).count());
    }

    @Test
    void container_dropping_to_zero_after_real_usage_holds_the_pod_back_instead_of_publishing_a_low_total() {
        long t15 = T + 15_000;
        long t30 = T + 30_000;
        long t45 = T + 45_000;
        PodSample twoContainers0 = pod("ns", "duo", "Running",
                container("main", NODE_START, T, 100 * CORE_SECOND, 50 * MIB),
                container("side", NODE_START, T, 10 * CORE_SECOND, 5 * MIB));
        PodSample twoContainers15 = pod("ns", "duo", "Running",
                container("main", NODE_START, t15, 100 * CORE_SECOND + 15 * CORE_SECOND / 2, 50 * MIB),
                container("side", NODE_START, t15, 10 * CORE_SECOND + 15 * CORE_SECOND / 10, 5 * MIB));
        NodeState state = apply(apply(null, scrapeAt(0, twoContainers0)).next(), scrapeAt(15, twoContainers15))
                .next();
        // main restarts and reports 0 CPU, 0 memory at its first sample
        PodSample restarting = pod("ns", "duo", "Running",
                container("main", t30, t30, 0, 0),
                container("side", NODE_START, t30, 10 * CORE_SECOND + 30 * CORE_SECOND / 10, 5 * MIB));
        ScrapeStep.Result result = apply(state, scrapeAt(30, restarting));
        assertTrue(result.emissions().stream().noneMatch(e -> e.key().equals("ns/duo")),
                "no pod value with only 'side' in it");
        assertTrue(result.podsNotPublished().get("ns/duo").detail().contains("restarting"));
        assertEquals(NotPublished.Reason.INCOMPLETE, result.podsNotPublished().get("ns/duo").reason());
        // still zero one scrape later: now it is a completed container and is left out
        PodSample completed = pod("ns", "duo", "Running",
                container("main", t30, t45, 0, 0),
                container("side", NODE_START, t45, 10 * CORE_SECOND + 45 * CORE_SECOND / 10, 5 * MIB));
        Emission.PodUpdate duo = apply(result.next(), scrapeAt(45, completed)).emissions().stream()
                .filter(e -> e.key().equals("ns/duo")).map(Emission.PodUpdate.class::cast).findFirst().orElseThrow();
        assertEquals(List.of("side"), duo.value().getContainers().stream().map(c -> c.getName()).toList());
        assertEquals(100_000_000L, duo.value().getContainers().get(0).getCpuNanocores());
    }

    @Test
    void a_collector_clock_behind_does_not_make_new_samples_look_like_a_replay() {
        NodeState state = apply(apply(null, scrapeAt(0)).next(), scrapeAt(15)).next();
        NodeScrape fromLaggingCollector = scrapeAt(30);
        fromLaggingCollector.setScrapeTimeMillis(T - 60_000); // another collector replica, clock a minute behind
        ScrapeStep.Result result = apply(state, fromLaggingCollector);
        assertFalse(result.ignoredAsReplay());
        assertEquals(3, result.emissions().size());
        assertEquals(T + 30_000, result.next().newestSampleMillis());
    }
}
