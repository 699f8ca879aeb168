package dev.metricsstream.aggregator;

import static dev.metricsstream.aggregator.AggregatorTopologyTest.T;
import static dev.metricsstream.aggregator.AggregatorTopologyTest.steady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's scrape resolution travels on each scrape: the aggregator judges staleness and publishes on
 * {@code node-usage} by it, whatever its own {@code SCRAPE_RESOLUTION} says.
 */
class ScrapeResolutionTopologyTest {

    @TempDir
    Path stateDir;

    TopologyFixture fixture;
    AggregatorMetrics metrics;
    TopologyTestDriver driver;
    TestOutputTopic<String, NodeUsage> usage;

    void start(Map<String, String> settings) {
        fixture = new TopologyFixture(Topics.withPrefix("test."), stateDir, Instant.ofEpochMilli(T), settings);
        metrics = fixture.metrics;
        driver = fixture.driver;
        usage = fixture.output(fixture.topics.nodeUsage());
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    void pipe(NodeScrape scrape, Long resolutionMillis) {
        scrape.setScrapeResolutionMillis(resolutionMillis);
        fixture.pipe(scrape);
    }

    @Test
    void a_collector_at_60s_is_not_stale_between_scrapes_although_the_aggregator_was_left_at_15s() {
        start(Map.of("SCRAPE_RESOLUTION", "15s"));
        pipe(steady("node1", 0), 60_000L);
        pipe(steady("node1", 60), 60_000L);

        List<NodeUsage> published = usage.readValuesToList();
        assertEquals(60_000L, published.get(published.size() - 1).getScrapeResolutionMillis(),
                "node-usage passes the collector's resolution on to the gateway");

        driver.advanceWallClockTime(Duration.ofSeconds(50)); // past 3 × 15 s, within 3 × 60 s
        assertTrue(usage.readKeyValuesToList().stream().noneMatch(kv -> kv.value == null),
                "not tombstoned 50 s after a scrape that comes every 60 s");
        assertEquals(0, metrics.tombstoneCount("node", "stale"));

        driver.advanceWallClockTime(Duration.ofSeconds(140)); // 190 s silent > 3 × 60 s
        List<KeyValue<String, NodeUsage>> after = usage.readKeyValuesToList();
        assertTrue(after.contains(KeyValue.pair("node1", null)), "tombstoned after 3 resolutions: " + after);
    }

    @Test
    void a_scrape_without_a_resolution_falls_back_to_the_aggregators_own_setting() {
        start(Map.of("SCRAPE_RESOLUTION", "20s"));
        pipe(steady("node1", 0), null);

        assertEquals(20_000L, usage.readValuesToList().get(0).getScrapeResolutionMillis());
        driver.advanceWallClockTime(Duration.ofSeconds(61)); // > 3 × 20 s
        assertNull(usage.readKeyValuesToMap().getOrDefault("node1", new NodeUsage()), "tombstoned");
    }

    @Test
    void a_configured_staleness_bound_stays_an_override() {
        start(Map.of("SCRAPE_RESOLUTION", "15s", "STALENESS_BOUND", "30s"));
        pipe(steady("node1", 0), 60_000L);
        usage.readValuesToList();

        driver.advanceWallClockTime(Duration.ofSeconds(31));
        assertFalse(usage.isEmpty(), "tombstoned after the configured 30 s although scrapes come every 60 s");
        assertNull(usage.readKeyValue().value);
    }
}
