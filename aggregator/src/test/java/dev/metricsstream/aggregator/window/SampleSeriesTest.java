package dev.metricsstream.aggregator.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SampleSeriesTest {

    @Test
    void aggregates_count_avg_min_max_and_percentiles_in_cores_and_bytes() {
        SampleSeries series = new SampleSeries();
        for (int i = 1; i <= 100; i++) {
            series.add(60_000 + i * 100, i * 10_000_000L, i * 1_000_000L, Map.of("app", "web"));
        }
        MetricsWindow window = series.window(EntityKind.POD, "ns/web", "node1", 60_000, 60_000);
        assertEquals(100, window.getCount());
        assertEquals(60_000, window.getWindowSizeMillis());
        assertEquals(120_000, window.getWindowEndMillis());
        assertEquals(0.505, window.getCpuCoresAvg(), 1e-9);
        assertEquals(0.01, window.getCpuCoresMin(), 1e-12);
        assertEquals(1.0, window.getCpuCoresMax(), 1e-12);
        assertEquals(0.50, window.getCpuCoresP50(), 1e-12, "nearest rank: the 50th of 100");
        assertEquals(0.95, window.getCpuCoresP95(), 1e-12);
        assertEquals(0.99, window.getCpuCoresP99(), 1e-12);
        assertEquals(50_500_000.0, window.getMemoryBytesAvg(), 1e-6);
        assertEquals(1_000_000L, window.getMemoryBytesMin());
        assertEquals(100_000_000L, window.getMemoryBytesMax());
        assertEquals(95_000_000L, window.getMemoryBytesP95());
        assertEquals("node1", window.getNodeName());
        assertEquals(Map.of("app", "web"), window.getLabels());
    }

    @Test
    void a_window_without_samples_is_not_a_window() {
        SampleSeries series = new SampleSeries();
        series.add(1_000, 1, 1, Map.of());
        assertNull(series.window(EntityKind.NODE, "node1", "node1", 60_000, 60_000));
    }

    @Test
    void labels_are_those_of_the_newest_sample_even_when_it_arrived_first() {
        SampleSeries series = new SampleSeries();
        series.add(30_000, 1, 1, Map.of("v", "new"));
        series.add(15_000, 1, 1, Map.of("v", "old")); // late, inserted before
        assertEquals(Map.of("v", "new"), series.window(EntityKind.POD, "ns/a", "n", 0, 60_000).getLabels());
        series.dropBefore(20_000);
        assertEquals(1, series.size());
        assertEquals(1, series.labelSets().size(), "unused label sets are dropped");
    }

    @Test
    void percentiles_pick_the_same_sample_rank_as_hdr_histogram() {
        Random random = new Random(42);
        for (int n : new int[] {1, 2, 3, 4, 5, 19, 20, 21, 239, 240}) {
            long[] values = new long[n];
            Histogram histogram = new Histogram(3);
            for (int i = 0; i < n; i++) {
                values[i] = 1_000_000L + random.nextInt(2_000_000_000);
                histogram.recordValue(values[i]);
            }
            java.util.Arrays.sort(values);
            for (double p : new double[] {50, 95, 99}) {
                long exact = SampleSeries.percentile(values, p);
                long hdr = Math.min(values[n - 1], histogram.getValueAtPercentile(p));
                // HdrHistogram answers with the highest value of the bucket of the same sample: within 0.1 %
                assertEquals(exact, hdr, exact / 1000.0 + 1, "n=" + n + " p" + p);
                assertEquals(histogram.lowestEquivalentValue(exact), histogram.lowestEquivalentValue(hdr),
                        "same bucket, n=" + n + " p" + p);
            }
        }
    }
}
