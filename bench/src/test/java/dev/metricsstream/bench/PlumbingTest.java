package dev.metricsstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.bench.fleet.LatencyRecorder;
import dev.metricsstream.bench.fleet.SimulatedFleet;
import dev.metricsstream.bench.process.ProcStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlumbingTest {

    @Test
    void proc_stats_of_this_jvm_show_cpu_time_and_resident_memory() {
        ProcStats stats = ProcStats.read(ProcessHandle.current().pid());
        assertNotNull(stats, "/proc/self is readable on Linux");
        assertTrue(stats.cpuNanos() > 0, "a running JVM has used CPU");
        assertTrue(stats.rssBytes() > 10 << 20, "a JVM is resident with more than 10 MB");
        assertTrue(stats.peakRssBytes() >= stats.rssBytes(), "the peak is at least the current RSS");
    }

    @Test
    void a_simulated_node_scrape_has_every_pod_with_cpu_counters_that_only_grow_without_restarts() {
        SimulatedFleet fleet = new SimulatedFleet(3, 30, 0, 0, 1, 1_000_000L);
        NodeScrape first = fleet.scrape(1, 1_015_000L);
        long firstCpu = first.getPods().get(0).getContainers().get(0).getCumulativeCpuNanos();
        NodeScrape second = fleet.scrape(1, 1_030_000L);
        assertEquals(30, second.getPods().size());
        assertEquals(SimulatedFleet.nodeName(1), second.getNodeName());
        ContainerSample container = second.getPods().get(0).getContainers().get(0);
        assertTrue(container.getCumulativeCpuNanos() > firstCpu, "15 s of CPU at a positive rate was added");
        assertEquals(1_030_000L, container.getCpuTimestampMillis(), "sample time is the production time");
        assertTrue(second.getPods().get(0).getLabels().containsKey("app"), "pods carry deployment labels");
        assertEquals("Running", second.getPods().get(0).getPhase());
    }

    @Test
    void churn_replaces_pods_and_restarts_containers() {
        SimulatedFleet fleet = new SimulatedFleet(2, 30, 0.5, 0.5, 2, 0);
        for (int i = 1; i <= 10; i++) {
            fleet.scrape(0, i * 15_000L);
        }
        assertTrue(fleet.podsCreated() > 0, "some pods were replaced");
        assertTrue(fleet.restarts() > 0, "some containers restarted");
    }

    @Test
    void latency_summary_has_the_fields_the_result_file_reports_and_ignores_the_warmup() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(5_000_000); // warmup, not measured
        recorder.measuring(true);
        recorder.record(1_000);
        recorder.record(2_000);
        recorder.error();
        Map<String, Object> summary = recorder.summary();
        assertEquals(2L, summary.get("count"));
        assertEquals(1L, summary.get("errors"));
        assertTrue((double) summary.get("maxMillis") < 3, "the warmup sample is not in the histogram");
        assertTrue(summary.containsKey("p50Millis") && summary.containsKey("p99Millis"));
    }
}
