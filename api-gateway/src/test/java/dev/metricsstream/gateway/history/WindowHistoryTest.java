package dev.metricsstream.gateway.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.common.config.Durations;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowHistoryTest {
    static final long MINUTE = 60_000;
    static final long T0 = 1_700_000_040_000L; // a whole minute

    static MetricsWindow window(EntityKind kind, String entity, long sizeMillis, long startMillis, double cpuCores,
            long memoryBytes) {
        return MetricsWindow.newBuilder().setEntityKind(kind).setEntity(entity).setNodeName("node-a")
                .setLabels(Map.of()).setWindowSizeMillis(sizeMillis).setWindowStartMillis(startMillis)
                .setWindowEndMillis(startMillis + sizeMillis).setCount(4)
                .setCpuCoresAvg(cpuCores).setCpuCoresMin(cpuCores / 2).setCpuCoresMax(cpuCores * 2)
                .setCpuCoresP50(cpuCores).setCpuCoresP95(cpuCores * 1.5).setCpuCoresP99(cpuCores * 2)
                .setMemoryBytesAvg(memoryBytes).setMemoryBytesMin(memoryBytes).setMemoryBytesMax(memoryBytes * 2)
                .setMemoryBytesP50(memoryBytes).setMemoryBytesP95(memoryBytes + 1000).setMemoryBytesP99(memoryBytes * 2)
                .build();
    }

    static WindowHistory history(String retention) {
        return new WindowHistory(HistoryRetention.parse(retention, Durations::parse));
    }

    @Test
    void a_pods_windows_come_back_in_order_at_microcore_and_kib_resolution() {
        WindowHistory history = history("1m=10m");
        history.accept(window(EntityKind.POD, "ns/web", MINUTE, T0 + MINUTE, 0.25, 100 * 1024 * 1024));
        history.accept(window(EntityKind.POD, "ns/web", MINUTE, T0, 0.1234567891, 1000));

        List<WindowHistory.Point> points = history.pod("ns", "web", MINUTE, T0, T0 + 10 * MINUTE).orElseThrow();

        assertEquals(2, points.size());
        assertEquals(T0, points.get(0).startMillis());
        assertEquals(123_457_000L, points.get(0).cpuAvgNanocores(), "rounded to whole microcores");
        assertEquals(185_185_000L, points.get(0).cpuP95Nanocores());
        assertEquals(1024L, points.get(0).memoryAvgBytes(), "1000 bytes round to 1 KiB");
        assertEquals(2048L, points.get(0).memoryP95Bytes(), "2000 bytes round to 2 KiB");
        assertEquals(500_000_000L, points.get(1).cpuMaxNanocores());
        assertEquals(200L * 1024 * 1024, points.get(1).memoryMaxBytes());
    }

    @Test
    void a_full_ring_keeps_only_the_newest_windows_and_refuses_older_ones() {
        WindowHistory history = history("1m=3m");
        for (int i = 0; i < 5; i++) {
            assertEquals(WindowHistory.Outcome.KEPT,
                    history.accept(window(EntityKind.NODE, "node-a", MINUTE, T0 + i * MINUTE, i, 1024)));
        }
        assertEquals(WindowHistory.Outcome.TOO_OLD,
                history.accept(window(EntityKind.NODE, "node-a", MINUTE, T0, 9, 1024)));

        List<WindowHistory.Point> points = history.node("node-a", MINUTE, 0, Long.MAX_VALUE).orElseThrow();
        assertEquals(List.of(T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE),
                points.stream().map(WindowHistory.Point::startMillis).toList());
        assertEquals(3, history.windowCount());
    }

    @Test
    void a_replayed_window_replaces_and_a_late_one_is_inserted_in_order() {
        WindowHistory history = history("1m=10m");
        history.accept(window(EntityKind.NODE, "n", MINUTE, T0, 1, 1024));
        history.accept(window(EntityKind.NODE, "n", MINUTE, T0 + 2 * MINUTE, 1, 1024));
        history.accept(window(EntityKind.NODE, "n", MINUTE, T0 + MINUTE, 3, 1024));
        history.accept(window(EntityKind.NODE, "n", MINUTE, T0, 2, 1024));

        List<WindowHistory.Point> points = history.node("n", MINUTE, 0, Long.MAX_VALUE).orElseThrow();
        assertEquals(List.of(2_000_000_000L, 3_000_000_000L, 1_000_000_000L),
                points.stream().map(WindowHistory.Point::cpuAvgNanocores).toList());
    }

    @Test
    void the_range_is_start_inclusive_end_exclusive_and_sizes_are_kept_apart() {
        WindowHistory history = history("1m=10m,5m=1h");
        for (int i = 0; i < 6; i++) {
            history.accept(window(EntityKind.NODE, "n", MINUTE, T0 + i * MINUTE, 1, 1024));
        }
        history.accept(window(EntityKind.NODE, "n", 5 * MINUTE, T0, 1, 1024));
        assertEquals(WindowHistory.Outcome.SIZE_NOT_KEPT,
                history.accept(window(EntityKind.NODE, "n", 60 * MINUTE, T0, 1, 1024)));

        assertEquals(3, history.node("n", MINUTE, T0 + MINUTE - 1, T0 + 4 * MINUTE).orElseThrow().size());
        assertEquals(1, history.node("n", 5 * MINUTE, 0, Long.MAX_VALUE).orElseThrow().size());
        assertTrue(history.node("other", MINUTE, 0, Long.MAX_VALUE).isEmpty(), "unknown node");
    }

    @Test
    void the_namespace_roll_up_sums_its_pods_per_window() {
        WindowHistory history = history("1m=10m");
        history.accept(window(EntityKind.POD, "ns/a", MINUTE, T0, 0.1, 1024));
        history.accept(window(EntityKind.POD, "ns/b", MINUTE, T0, 0.2, 2048));
        history.accept(window(EntityKind.POD, "ns/b", MINUTE, T0 + MINUTE, 0.2, 2048));
        history.accept(window(EntityKind.POD, "other/c", MINUTE, T0, 5, 2048));

        List<WindowHistory.Point> points = history.namespace("ns", MINUTE, 0, Long.MAX_VALUE).orElseThrow();

        assertEquals(2, points.size());
        assertEquals(300_000_000L, points.get(0).cpuAvgNanocores());
        assertEquals(3072L, points.get(0).memoryAvgBytes());
        assertEquals(2, points.get(0).entities());
        assertEquals(1, points.get(1).entities());
        assertTrue(history.namespace("none", MINUTE, 0, Long.MAX_VALUE).isEmpty());
    }

    @Test
    void an_entity_silent_for_longer_than_the_longest_span_is_dropped() {
        WindowHistory history = history("1m=10m");
        history.accept(window(EntityKind.POD, "ns/gone", MINUTE, T0, 1, 1024));
        history.accept(window(EntityKind.POD, "ns/alive", MINUTE, T0 + 20 * MINUTE, 1, 1024));

        assertTrue(history.pod("ns", "gone", MINUTE, 0, Long.MAX_VALUE).isEmpty());
        assertEquals(1, history.podCount());
    }

    @Test
    void a_pod_key_without_namespace_is_invalid() {
        WindowHistory history = history("1m=10m");
        assertEquals(WindowHistory.Outcome.INVALID,
                history.accept(window(EntityKind.POD, "no-namespace", MINUTE, T0, 1, 1024)));
        assertEquals(1, history.count(WindowHistory.Outcome.INVALID));
    }

    @Test
    void retention_reports_every_problem_at_once() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HistoryRetention.parse("30s=1h,5m=7m,bogus,1h=x", Durations::parse));
        assertTrue(e.getMessage().contains("30s is not a whole number of minutes"), e.getMessage());
        assertTrue(e.getMessage().contains("7m is not a whole multiple of 5m"), e.getMessage());
        assertTrue(e.getMessage().contains("'bogus' is not size=span"), e.getMessage());
        assertTrue(e.getMessage().contains("'1h=x'"), e.getMessage());
        assertEquals(180, HistoryRetention.parse(HistoryRetention.DEFAULT, Durations::parse).windowsPerEntity());
    }
}
