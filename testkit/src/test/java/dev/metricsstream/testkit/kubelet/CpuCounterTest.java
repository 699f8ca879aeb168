package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CpuCounterTest {

    @Test
    void cumulative_cpu_is_rate_times_elapsed_time_since_start() {
        CpuCounter counter = new CpuCounter(1_000, 250_000_000L); // 250m
        assertEquals(0, counter.nanosAt(500));
        assertEquals(0, counter.nanosAt(1_000));
        assertEquals(250_000_000L, counter.nanosAt(2_000));
        assertEquals(3_750_000_000L, counter.nanosAt(16_000));
    }

    @Test
    void a_rate_change_bends_the_counter_without_a_jump() {
        CpuCounter counter = new CpuCounter(0, 1_000_000_000L);
        counter.setRate(10_000, 2_000_000_000L);
        assertEquals(10_000_000_000L, counter.nanosAt(10_000));
        assertEquals(12_000_000_000L, counter.nanosAt(11_000));
        assertEquals(5_000_000_000L, counter.nanosAt(5_000), "values before the change keep the old rate");
        assertEquals(1_000_000_000L, counter.rateAt(9_999));
        assertEquals(2_000_000_000L, counter.rateAt(10_000));
    }

    @Test
    void a_stopped_counter_keeps_its_final_value_and_reports_no_rate() {
        CpuCounter counter = new CpuCounter(0, 100_000_000L);
        counter.stop(30_000);
        assertEquals(3_000_000_000L, counter.nanosAt(90_000));
        assertEquals(0, counter.rateAt(40_000));
    }

    @Test
    void forgetting_old_segments_keeps_every_later_value() {
        CpuCounter counter = new CpuCounter(0, 7_000_000L);
        counter.setRate(10_000, 9_000_000L);
        counter.setRate(20_000, 11_000_000L);
        long at25 = counter.nanosAt(25_000);
        long at15 = counter.nanosAt(15_000);
        counter.forgetBefore(15_000);
        assertEquals(at25, counter.nanosAt(25_000));
        assertEquals(at15, counter.nanosAt(15_000));
    }

    @Test
    void a_year_at_a_thousand_cores_does_not_overflow() {
        CpuCounter counter = new CpuCounter(0, 1_000_000_000_000L);
        long year = 365L * 86_400_000L;
        assertEquals(1_000L * 365 * 86_400 * 1_000_000_000L, counter.nanosAt(year));
        assertThrows(IllegalArgumentException.class, () -> counter.setRate(1, -1));
    }
}
