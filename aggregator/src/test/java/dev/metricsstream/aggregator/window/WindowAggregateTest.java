package dev.metricsstream.aggregator.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowAggregateTest {

    @Test
    void aggregates_count_avg_min_max_and_percentiles_in_cores_and_bytes() {
        WindowAggregate aggregate = new WindowAggregate();
        for (int i = 1; i <= 100; i++) {
            aggregate.add(i * 10_000_000L, i * 1_000_000L, "node1", Map.of("app", "web"));
        }
        MetricsWindow window = aggregate.toMetricsWindow(EntityKind.POD, "ns/web", 60_000, 120_000);
        assertEquals(100, window.getCount());
        assertEquals(60_000, window.getWindowSizeMillis());
        assertEquals(0.505, window.getCpuCoresAvg(), 1e-9);
        assertEquals(0.01, window.getCpuCoresMin(), 1e-12);
        assertEquals(1.0, window.getCpuCoresMax(), 1e-12);
        assertEquals(0.50, window.getCpuCoresP50(), 0.001);
        assertEquals(0.95, window.getCpuCoresP95(), 0.001);
        assertEquals(0.99, window.getCpuCoresP99(), 0.001);
        assertEquals(50_500_000.0, window.getMemoryBytesAvg(), 1e-6);
        assertEquals(1_000_000L, window.getMemoryBytesMin());
        assertEquals(100_000_000L, window.getMemoryBytesMax());
        assertEquals(95_000_000L, window.getMemoryBytesP95(), 95_000);
        assertEquals("node1", window.getNodeName());
        assertEquals(Map.of("app", "web"), window.getLabels());
    }

    @Test
    void percentiles_never_leave_the_exact_min_max_range() {
        WindowAggregate aggregate = new WindowAggregate().add(123_456_789L, 987_654_321L, null, Map.of());
        MetricsWindow window = aggregate.toMetricsWindow(EntityKind.NODE, "node1", 0, 60_000);
        assertEquals(window.getCpuCoresMax(), window.getCpuCoresP99());
        assertEquals(window.getMemoryBytesMax(), window.getMemoryBytesP50());
    }

    @Test
    void survives_the_store_serde_and_keeps_aggregating() {
        WindowAggregateSerde serde = new WindowAggregateSerde();
        WindowAggregate aggregate = new WindowAggregate();
        for (int i = 0; i < 50; i++) {
            aggregate.add(250_000_000L + i, 64L << 20, "node1", Map.of("k", "v"));
        }
        byte[] bytes = serde.serialize("t", aggregate);
        assertTrue(bytes.length < 1_000, "compressed histograms keep the store small, got " + bytes.length);
        WindowAggregate restored = serde.deserialize("t", bytes);
        restored.add(10_000_000_000_000L, 1L << 40, "node1", Map.of("k", "v")); // far beyond the first range
        MetricsWindow window = restored.toMetricsWindow(EntityKind.NODE, "node1", 0, 60_000);
        assertEquals(51, window.getCount());
        assertEquals(10_000.0, window.getCpuCoresMax(), 1e-9);
        assertEquals(0.25, window.getCpuCoresP50(), 0.001);
        assertEquals(1L << 40, window.getMemoryBytesMax());
    }
}
