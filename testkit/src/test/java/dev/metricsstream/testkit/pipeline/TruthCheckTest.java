package dev.metricsstream.testkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class TruthCheckTest {

    @Test
    void cpu_accepts_one_percent_of_the_truth_and_not_a_nanocore_more() {
        TruthCheck check = TruthCheck.cpu();

        assertFalse(check.value("at", 101_000_000L, 100_000_000L));
        assertFalse(check.value("below", 99_000_000L, 100_000_000L));
        assertTrue(check.value("over", 101_000_001L, 100_000_000L));

        assertEquals(List.of("over: 101000001 vs true 100000000"), check.misses());
    }

    @Test
    void a_near_idle_container_is_held_to_one_microcore_not_to_a_fraction_of_a_nanocore() {
        TruthCheck check = TruthCheck.cpu();

        assertFalse(check.value("idle", 1_500L, 500L));
        assertTrue(check.value("idle but off", 1_501L, 500L));
    }

    @Test
    void a_missing_or_negative_value_is_a_miss_even_within_the_floor() {
        TruthCheck check = TruthCheck.cpu();

        check.value("no value", null, 5L);
        check.value("no truth", 5L, null);
        check.value("negative", -1L, 0L);

        assertEquals(List.of("no value has no value", "no truth has no truth", "negative: -1 vs true 0"),
                check.misses());
    }

    @Test
    void a_tighter_tolerance_and_a_printed_resolution_are_the_same_check() {
        assertTrue(TruthCheck.within(10_000, 1_000).value("0.01 %", 100_010_001L, 100_000_000L));
        assertFalse(TruthCheck.within(10_000, 1_000).value("0.01 %", 100_010_000L, 100_000_000L));
        assertFalse(TruthCheck.onePercent(TruthCheck.MILLICORE_NANOCORES).value("3m", 3_000_000L, 2_000_001L));
        assertThrows(IllegalArgumentException.class, () -> TruthCheck.within(0, 0));
    }

    @Test
    void a_rate_needs_a_real_truth_and_one_percent() {
        TruthCheck check = TruthCheck.onePercent(0);

        assertFalse(check.rate("rx", 1010.0, 1000.0));
        assertTrue(check.rate("rx", 1010.5, 1000.0));
        assertTrue(check.rate("zero truth", 0.0, 0.0));
        assertEquals(2, check.misses().size());
    }

    @Test
    void a_node_value_across_a_rate_change_lies_between_the_rates_that_held() {
        RateHistory truth = RateHistory.since(2_000_000_000L);
        truth.from(30_000, 1_000_000_000L);
        TruthCheck check = TruthCheck.cpu();

        assertFalse(check.node("n", node(15_000, 15, 2_010_000_000L), truth), "before: 1 % of 2 cores");
        assertFalse(check.node("n", node(45_000, 15, 990_000_000L), truth), "after: 1 % of 1 core");
        assertFalse(check.node("n", node(40_000, 15, 1_500_000_000L), truth), "across the change: between");
        assertTrue(check.node("n", node(40_000, 15, 2_020_000_001L), truth), "across: above the higher + 1 %");
        assertTrue(check.node("n", node(45_000, 15, 1_500_000_000L), truth), "after the change: off");
        assertThrows(IllegalArgumentException.class, () -> truth.from(10_000, 1L));
    }

    @Test
    void assert_none_names_every_miss() {
        TruthCheck check = TruthCheck.cpu();
        check.miss("pod a negative");
        check.value("pod b", 3_000_000L, 1_000_000L);

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> check.assertNone("off"));

        assertTrue(failure.getMessage().contains("pod a negative") && failure.getMessage().contains("pod b"),
                failure.getMessage());
        TruthCheck.cpu().assertNone("nothing checked, nothing missed");
    }

    private static NodeMetrics node(long timestampMillis, long windowSeconds, long cpuNanocores) {
        return NodeMetrics.newBuilder().setNodeName("n").setTimestampMillis(timestampMillis)
                .setWindowNanos(windowSeconds * 1_000_000_000L).setCpuNanocores(cpuNanocores)
                .setMemoryWorkingSetBytes(1L).build();
    }
}
