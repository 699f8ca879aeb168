package dev.metricsstream.aggregator.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkRateRuleTest {
    private static final long T = 1_700_000_000_000L;
    private static final long START = T - 3_600_000;

    private static CounterPoint at(long millis, long rx, long tx) {
        return new CounterPoint(START, T + millis, rx, tx);
    }

    @Test
    void first_point_is_remembered_without_a_rate() {
        NetworkRateRule.Outcome outcome = NetworkRateRule.apply(null, at(0, 1_000, 500));

        assertInstanceOf(NetworkRateRule.FirstPoint.class, outcome);
        assertTrue(outcome.rate().isEmpty());
        assertEquals(at(0, 1_000, 500), outcome.stored().last());
    }

    @Test
    void rate_is_bytes_over_the_kubelets_own_sample_times() {
        CounterPoints stored = NetworkRateRule.apply(null, at(0, 1_000, 500)).stored();

        NetworkRateRule.Outcome outcome = NetworkRateRule.apply(stored, at(14_500, 1_000 + 2_900_000, 500 + 145));

        NetworkRate rate = assertInstanceOf(NetworkRateRule.Rate.class, outcome).networkRate();
        assertEquals(200_000.0, rate.receiveBytesPerSecond(), 1e-9);
        assertEquals(10.0, rate.transmitBytesPerSecond(), 1e-9);
        assertEquals(T + 14_500, rate.timestampMillis());
        assertEquals(14_500_000_000L, rate.windowNanos());
        assertEquals(at(0, 1_000, 500), outcome.stored().previous());
    }

    @Test
    void network_rate_restarts_when_the_start_time_changes() {
        CounterPoints stored = NetworkRateRule.apply(null, at(0, 1_000_000, 1_000_000)).stored();
        CounterPoint recreated = new CounterPoint(T + 10_000, T + 15_000, 5_000_000, 5_000_000);

        NetworkRateRule.Outcome outcome = NetworkRateRule.apply(stored, recreated);

        assertInstanceOf(NetworkRateRule.StartedOver.class, outcome);
        assertTrue(outcome.rate().isEmpty(), "a new lifetime gives no rate, however the counters moved");
        assertNull(outcome.stored().previous());
        NetworkRateRule.Outcome next = NetworkRateRule.apply(outcome.stored(),
                new CounterPoint(T + 10_000, T + 30_000, 5_150_000, 5_000_000));
        assertEquals(10_000.0, next.rate().orElseThrow().receiveBytesPerSecond(), 1e-9,
                "the next point rates against the restart point only");
    }

    @Test
    void network_rate_restarts_when_a_counter_goes_down() {
        CounterPoints stored = NetworkRateRule.apply(null, at(0, 1_000_000, 1_000)).stored();
        stored = NetworkRateRule.apply(stored, at(15_000, 2_000_000, 2_000)).stored();

        NetworkRateRule.Outcome down = NetworkRateRule.apply(stored, at(30_000, 2_000_001, 10));

        assertInstanceOf(NetworkRateRule.CounterDecreased.class, down);
        assertTrue(down.rate().isEmpty(), "no rate, in particular no negative one");
        assertEquals(at(30_000, 2_000_001, 10), down.stored().last());
        assertNull(down.stored().previous());
    }

    @Test
    void a_duplicate_or_replayed_point_changes_nothing_and_gives_no_new_rate() {
        CounterPoints stored = NetworkRateRule.apply(null, at(0, 1_000, 1_000)).stored();
        stored = NetworkRateRule.apply(stored, at(15_000, 151_000, 16_000)).stored();

        NetworkRateRule.Outcome duplicate = NetworkRateRule.apply(stored, at(15_000, 151_000, 16_000));
        NetworkRateRule.Outcome replayed = NetworkRateRule.apply(stored, at(0, 1_000, 1_000));
        NetworkRateRule.Outcome olderButDifferent = NetworkRateRule.apply(stored, at(14_000, 0, 0));

        for (NetworkRateRule.Outcome outcome : new NetworkRateRule.Outcome[] {duplicate, replayed, olderButDifferent}) {
            assertInstanceOf(NetworkRateRule.NotNewer.class, outcome);
            assertSame(stored, outcome.stored());
            assertEquals(10_000.0, outcome.rate().orElseThrow().receiveBytesPerSecond(), 1e-9,
                    "the stored rate is the one still served");
            assertEquals(T + 15_000, outcome.rate().orElseThrow().timestampMillis(), "no newer output");
        }
    }

    @Test
    void unchanged_counters_are_a_rate_of_zero_not_an_absence() {
        CounterPoints stored = NetworkRateRule.apply(null, at(0, 42, 42)).stored();

        NetworkRate rate = NetworkRateRule.apply(stored, at(15_000, 42, 42)).rate().orElseThrow();

        assertEquals(0.0, rate.receiveBytesPerSecond());
        assertEquals(0.0, rate.transmitBytesPerSecond());
    }
}
