package dev.metricsstream.aggregator.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every case of metrics-server's {@code pkg/storage} tests ({@code pod_test.go}, {@code node_test.go},
 * {@code storage_test.go}) that concerns one node or container, replayed through {@link RateRule}. The Go test's
 * "GetMetrics" after each {@code Store} corresponds to {@link RateOutcome#usage()}. Pod-level cases (several
 * containers, earliest timestamp) are in {@code PodAssemblerTest}. Resolution 60 s as in the Go tests.
 */
class RateRuleTest {

    static final long CORE_SECOND = 1_000_000_000L;
    static final long MIB = 1L << 20;
    static final long START = 1_700_000_000_000L;
    static final Duration RESOLUTION = Duration.ofSeconds(60);

    static MetricsPoint point(long startMillis, long timestampMillis, long cpuNanos, long memoryBytes) {
        return new MetricsPoint(startMillis, timestampMillis, cpuNanos, memoryBytes);
    }

    static long sec(long seconds) {
        return START + seconds * 1000;
    }

    /** Stores the points one after the other, as consecutive metrics-server batches, and returns the last outcome. */
    static RateOutcome containerSequence(MetricsPoint... points) {
        StoredPoints stored = null;
        RateOutcome outcome = null;
        for (MetricsPoint p : points) {
            outcome = RateRule.container(stored, p, RESOLUTION);
            stored = outcome.stored();
        }
        return outcome;
    }

    static RateOutcome nodeSequence(MetricsPoint... points) {
        StoredPoints stored = null;
        RateOutcome outcome = null;
        for (MetricsPoint p : points) {
            outcome = RateRule.node(stored, p);
            stored = outcome.stored();
        }
        return outcome;
    }

    @Nested
    class PodStorage {

        @Test
        void provides_pod_metrics_from_stored_batches() {
            RateOutcome first = containerSequence(point(START, sec(120), CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.FirstPoint.class, first);
            assertTrue(first.usage().isEmpty(), "waits for a second batch before serving");

            RateOutcome second = containerSequence(point(START, sec(120), CORE_SECOND, 4 * MIB),
                    point(START, sec(125), 6 * CORE_SECOND, 5 * MIB));
            Usage usage = assertInstanceOf(RateOutcome.Rate.class, second).rate();
            assertEquals(new Usage(CORE_SECOND, 5 * MIB, sec(125), 5_000_000_000L), usage);
        }

        @Test
        void handle_repeated_pod_metric_point() {
            MetricsPoint p = point(START, sec(110), CORE_SECOND, 4 * MIB);
            RateOutcome outcome = containerSequence(p, p);
            assertInstanceOf(RateOutcome.NotNewerDroppedPrevious.class, outcome);
            assertTrue(outcome.notNewer());
            assertTrue(outcome.usage().isEmpty());
            assertNull(outcome.stored().previous());
        }

        @Test
        void should_detect_container_restart_and_return_results_based_on_window_from_start_time() {
            RateOutcome first = containerSequence(point(START, sec(10), CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.FreshContainerBaseline.class, first, "10 s old with 60 s resolution");
            RateOutcome outcome = containerSequence(point(START, sec(10), CORE_SECOND, 4 * MIB),
                    point(sec(15), sec(25), 5 * CORE_SECOND, 5 * MIB));
            Usage usage = assertInstanceOf(RateOutcome.FreshContainerBaseline.class, outcome).rate();
            assertEquals(new Usage(500_000_000L, 5 * MIB, sec(25), 10_000_000_000L), usage);
        }

        @Test
        void restart_of_an_old_container_starts_over_without_a_rate() {
            RateOutcome outcome = containerSequence(point(START, sec(120), CORE_SECOND, 4 * MIB),
                    point(sec(125), sec(185), 5 * CORE_SECOND, 5 * MIB));
            assertInstanceOf(RateOutcome.StartedOver.class, outcome);
            assertTrue(outcome.usage().isEmpty());
            assertNull(outcome.stored().previous());
        }

        @Test
        void restart_is_detected_when_start_time_equals_the_last_timestamp() {
            RateOutcome outcome = containerSequence(point(START, sec(120), 10 * CORE_SECOND, 4 * MIB),
                    point(sec(120), sec(200), 11 * CORE_SECOND, 5 * MIB));
            assertInstanceOf(RateOutcome.StartedOver.class, outcome);
        }

        @Test
        void should_return_pod_empty_metrics_if_decreased_data_point_reported() {
            RateOutcome outcome = containerSequence(point(START, sec(110), 20 * CORE_SECOND, 4 * MIB),
                    point(START, sec(120), 10 * CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.CounterDecreased.class, outcome);
            assertTrue(outcome.usage().isEmpty());
            assertEquals(sec(110), outcome.stored().previous().timestampMillis(),
                    "metrics-server still moves the points on, so the next scrape gives a rate");
        }

        @Test
        void counter_decrease_recovers_at_the_next_scrape() {
            RateOutcome outcome = containerSequence(point(START, sec(110), 20 * CORE_SECOND, 4 * MIB),
                    point(START, sec(120), 10 * CORE_SECOND, 4 * MIB),
                    point(START, sec(130), 15 * CORE_SECOND, 4 * MIB));
            assertEquals(500_000_000L, assertInstanceOf(RateOutcome.Rate.class, outcome).rate().cpuNanocores());
        }

        @Test
        void should_handle_pod_metrics_older_than_prev() {
            RateOutcome outcome = containerSequence(point(START, sec(1115), 20 * CORE_SECOND, 4 * MIB),
                    point(START, sec(1125), 40 * CORE_SECOND, 4 * MIB),
                    point(START, sec(115), 10 * CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.NotNewerDroppedPrevious.class, outcome);
            assertTrue(outcome.usage().isEmpty());
        }

        @Test
        void should_handle_pod_metrics_prev_ts_before_new_ts_before_last_ts() {
            RateOutcome outcome = containerSequence(point(START, sec(115), 10 * CORE_SECOND, 4 * MIB),
                    point(START, sec(125), 50 * CORE_SECOND, 5 * MIB),
                    point(START, sec(120), 35 * CORE_SECOND, 5 * MIB));
            Usage usage = assertInstanceOf(RateOutcome.NotNewerKeptPrevious.class, outcome).rate();
            assertTrue(outcome.notNewer());
            assertEquals(new Usage(5 * CORE_SECOND, 5 * MIB, sec(120), 5_000_000_000L), usage);
        }

        @Test
        void should_not_use_start_time_to_return_metric_in_one_cycle_for_long_running_container() {
            RateOutcome outcome = containerSequence(point(START, sec(120), CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.FirstPoint.class, outcome);
            assertTrue(outcome.usage().isEmpty());
        }

        @Test
        void should_use_start_time_to_return_metric_in_one_cycle_for_fresh_new_container() {
            RateOutcome outcome = containerSequence(point(START, sec(10), 10 * CORE_SECOND, 4 * MIB));
            RateOutcome.FreshContainerBaseline fresh = assertInstanceOf(RateOutcome.FreshContainerBaseline.class,
                    outcome);
            assertEquals(new Usage(CORE_SECOND, 4 * MIB, sec(10), 10_000_000_000L), fresh.rate());
            assertEquals(point(START, START, 0, 4 * MIB), fresh.stored().previous(), "synthetic (start, 0) point");
        }

        @Test
        void should_get_empty_metrics_in_one_cycle_for_fresh_new_containers_start_time_after_timestamp() {
            RateOutcome outcome = containerSequence(point(START, sec(-10), 10 * CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.FirstPoint.class, outcome);
        }

        @Test
        void should_get_empty_metrics_in_one_cycle_for_fresh_new_containers_age_below_10s() {
            RateOutcome outcome = containerSequence(point(START, sec(9), 10 * CORE_SECOND, 4 * MIB));
            assertInstanceOf(RateOutcome.FirstPoint.class, outcome);
        }

        @Test
        void fresh_container_rule_stops_at_the_resolution() {
            RateOutcome almost = RateRule.container(null, point(START, START + 14_999, CORE_SECOND, MIB),
                    Duration.ofSeconds(15));
            RateOutcome at = RateRule.container(null, point(START, START + 15_000, CORE_SECOND, MIB),
                    Duration.ofSeconds(15));
            assertInstanceOf(RateOutcome.FreshContainerBaseline.class, almost);
            assertInstanceOf(RateOutcome.FirstPoint.class, at);
        }

        @Test
        void provides_pod_metrics_from_stored_batches_when_start_time_is_zero() {
            long unknown = MetricsPoint.UNKNOWN_START_TIME_MILLIS;
            RateOutcome first = containerSequence(point(unknown, sec(120), CORE_SECOND, 4 * MIB));
            assertTrue(first.usage().isEmpty());
            RateOutcome outcome = containerSequence(point(unknown, sec(120), CORE_SECOND, 4 * MIB),
                    point(unknown, sec(125), 6 * CORE_SECOND, 5 * MIB));
            assertEquals(new Usage(CORE_SECOND, 5 * MIB, sec(125), 5_000_000_000L),
                    assertInstanceOf(RateOutcome.Rate.class, outcome).rate());
        }
    }

    @Nested
    class NodeStorage {

        @Test
        void provides_node_metrics_from_stored_batches() {
            RateOutcome first = nodeSequence(point(START, sec(10), 10 * CORE_SECOND, 2 * MIB));
            assertTrue(first.usage().isEmpty());
            RateOutcome outcome = nodeSequence(point(START, sec(10), 10 * CORE_SECOND, 2 * MIB),
                    point(START, sec(20), 20 * CORE_SECOND, 3 * MIB));
            assertEquals(new Usage(CORE_SECOND, 3 * MIB, sec(20), 10_000_000_000L),
                    assertInstanceOf(RateOutcome.Rate.class, outcome).rate());
        }

        @Test
        void handle_repeated_node_metric_point() {
            MetricsPoint p = point(START, sec(10), 10 * CORE_SECOND, 2 * MIB);
            RateOutcome outcome = nodeSequence(p, p);
            assertInstanceOf(RateOutcome.NotNewerDroppedPrevious.class, outcome);
            assertTrue(outcome.usage().isEmpty());
        }

        @Test
        void exposes_correct_node_metrics() {
            RateOutcome outcome = nodeSequence(point(START, sec(10), 10 * CORE_SECOND, 2 * MIB),
                    point(START, sec(20), 21 * CORE_SECOND, 3 * MIB));
            assertEquals(1_100_000_000L, outcome.usage().orElseThrow().cpuNanocores());
        }

        @Test
        void should_detect_node_restart_and_skip_metric() {
            RateOutcome outcome = nodeSequence(point(START, sec(10), 10 * CORE_SECOND, 2 * MIB),
                    point(sec(15), sec(20), 5 * CORE_SECOND, 3 * MIB));
            assertInstanceOf(RateOutcome.CounterDecreased.class, outcome,
                    "nodes have no start-time rule: the reboot shows as a decreasing counter");
            assertTrue(outcome.usage().isEmpty());
        }

        @Test
        void should_return_empty_node_metrics_if_decreased_data_point_reported() {
            RateOutcome outcome = nodeSequence(point(START, sec(15), 50 * CORE_SECOND, 3 * MIB),
                    point(START, sec(25), 10 * CORE_SECOND, 5 * MIB));
            assertInstanceOf(RateOutcome.CounterDecreased.class, outcome);
        }

        @Test
        void should_handle_metrics_older_than_prev() {
            RateOutcome outcome = nodeSequence(point(START, sec(15), 10 * CORE_SECOND, 3 * MIB),
                    point(START, sec(35), 50 * CORE_SECOND, 5 * MIB),
                    point(START, sec(5), 6 * CORE_SECOND, 2 * MIB));
            assertInstanceOf(RateOutcome.NotNewerDroppedPrevious.class, outcome);
            assertTrue(outcome.usage().isEmpty());
        }

        @Test
        void should_handle_metrics_prev_ts_before_new_ts_before_last_ts() {
            RateOutcome outcome = nodeSequence(point(START, sec(15), 10 * CORE_SECOND, MIB),
                    point(START, sec(35), 50 * CORE_SECOND, 4 * MIB),
                    point(START, sec(25), 35 * CORE_SECOND, 2 * MIB));
            assertEquals(new Usage(2_500_000_000L, 2 * MIB, sec(25), 10_000_000_000L),
                    assertInstanceOf(RateOutcome.NotNewerKeptPrevious.class, outcome).rate());
        }

        @Test
        void provides_node_metrics_from_stored_batches_when_start_time_is_zero() {
            long unknown = MetricsPoint.UNKNOWN_START_TIME_MILLIS;
            RateOutcome outcome = nodeSequence(point(unknown, sec(10), 10 * CORE_SECOND, 2 * MIB),
                    point(unknown, sec(20), 20 * CORE_SECOND, 3 * MIB));
            assertEquals(new Usage(CORE_SECOND, 3 * MIB, sec(20), 10_000_000_000L), outcome.usage().orElseThrow());
        }

        @Test
        void start_time_moving_backwards_gives_no_rate() {
            RateOutcome outcome = nodeSequence(point(sec(5), sec(15), 10 * CORE_SECOND, MIB),
                    point(sec(1), sec(25), 20 * CORE_SECOND, MIB));
            assertInstanceOf(RateOutcome.StartTimeDecreased.class, outcome);
            assertTrue(outcome.usage().isEmpty());
        }
    }

    /** storage_test.go ("In-memory storage"): two batches 10 s apart, the rate and window of each entity. */
    @Nested
    class InMemoryStorage {

        @Test
        void should_properly_calculate_metrics_with_sub_second_timestamps() {
            long prevTs = START - 10_000;
            RateOutcome outcome = nodeSequence(point(0, prevTs + 100, 10, 120), point(0, START + 100, 110, 120));
            Usage usage = outcome.usage().orElseThrow();
            assertEquals(10, usage.cpuNanocores(), "100 ns of CPU over 10 s = 10 nanocores");
            assertEquals(10_000_000_000L, usage.windowNanos());
            assertEquals(START + 100, usage.timestampMillis());
        }

        @Test
        void should_receive_batches_of_metrics_for_every_container() {
            long prevTs = START - 10_000;
            for (int i = 0; i < 5; i++) {
                long offset = 400 + 100L * i;
                RateOutcome outcome = containerSequence(point(0, prevTs + offset, 310 + 100L * i, 420),
                        point(0, START + offset, 410 + 100L * i, 420));
                assertEquals(10, outcome.usage().orElseThrow().cpuNanocores());
            }
        }
    }

    @Nested
    class Truncation {

        @Test
        void cpu_rate_is_truncated_to_whole_nanocores_like_go_uint64_conversion() {
            assertEquals(333_333_333L, RateRule.cpuNanocores(1_000_000_000L, 3_000_000_000L));
            assertEquals(0L, RateRule.cpuNanocores(1L, 2_000_000_000L));
        }

        @Test
        void cpu_rate_uses_go_duration_seconds_split_for_odd_windows() {
            // expected from float64 arithmetic as Go does it: int(9782567802 / (20 + 64000000/1e9))
            assertEquals(487_568_171L, RateRule.cpuNanocores(9_782_567_802L, 20_064_000_000L));
        }

        @Test
        void rate_outcome_without_usage_reports_empty() {
            assertEquals(Optional.empty(), new RateOutcome.FirstPoint(StoredPoints.only(point(0, 1, 1, 1))).usage());
            assertFalse(new RateOutcome.FirstPoint(StoredPoints.only(point(0, 1, 1, 1))).notNewer());
        }
    }
}
