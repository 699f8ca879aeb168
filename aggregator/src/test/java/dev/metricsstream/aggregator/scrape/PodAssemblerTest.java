package dev.metricsstream.aggregator.scrape;

import static dev.metricsstream.aggregator.Scrapes.MIB;
import static dev.metricsstream.aggregator.Scrapes.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.avro.PodMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pod-level cases of metrics-server's pod_test.go / storage_test.go, plus our deliberate differences. */
class PodAssemblerTest {

    static final long T = 1_700_000_000_000L;

    static ContainerVerdict rated(long cpuNanocores, long memoryBytes, long timestampMillis, long windowNanos) {
        return new ContainerVerdict.Rated(new Usage(cpuNanocores, memoryBytes, timestampMillis, windowNanos));
    }

    @Test
    void returns_timestamp_and_window_of_earliest_container_of_pod() {
        Map<String, ContainerVerdict> verdicts = new LinkedHashMap<>();
        verdicts.put("container2", rated(1_000_000_000L, 7 * MIB, T + 125_000, 10_000_000_000L));
        verdicts.put("container1", rated(500_000_000L, 6 * MIB, T + 120_000, 10_000_000_000L));
        PodMetrics pod = assertInstanceOf(PodAssembler.Result.Assembled.class,
                PodAssembler.assemble("node1", pod("ns1", "pod1", "Running"), verdicts)).metrics();
        assertEquals(T + 120_000, pod.getTimestampMillis());
        assertEquals(10_000_000_000L, pod.getWindowNanos());
        assertEquals(List.of("container1", "container2"),
                pod.getContainers().stream().map(c -> c.getName()).toList(), "containers sorted by name");
        assertEquals(500_000_000L, pod.getContainers().get(0).getCpuNanocores());
        assertEquals(7 * MIB, pod.getContainers().get(1).getMemoryWorkingSetBytes());
        assertEquals("node1", pod.getNodeName());
        assertEquals(Map.of("app", "pod1"), pod.getLabels());
    }

    @Test
    void earliest_container_window_is_taken_with_its_timestamp_not_the_smallest_window() {
        Map<String, ContainerVerdict> verdicts = Map.of(
                "a", rated(1, MIB, T + 400, 30_000_000_000L),
                "b", rated(1, MIB, T + 500, 10_000_000_000L));
        PodMetrics pod = ((PodAssembler.Result.Assembled) PodAssembler.assemble("n",
                pod("ns1", "pod1", "Running"), verdicts)).metrics();
        assertEquals(T + 400, pod.getTimestampMillis());
        assertEquals(30_000_000_000L, pod.getWindowNanos());
    }

    @Test
    void should_get_empty_metrics_if_not_all_containers_data_points_of_one_pod_reported_at_the_first_cycle() {
        Map<String, ContainerVerdict> verdicts = Map.of(
                "container1", rated(500_000_000L, 6 * MIB, T, 10_000_000_000L),
                "container2", new ContainerVerdict.NoRate("FirstPoint"));
        assertInstanceOf(PodAssembler.Result.Incomplete.class,
                PodAssembler.assemble("n", pod("ns1", "pod1", "Running"), verdicts));
    }

    @Test
    void a_container_with_an_incomplete_sample_drops_the_pod_like_metrics_server() {
        Map<String, ContainerVerdict> verdicts = Map.of(
                "container1", rated(500_000_000L, 6 * MIB, T, 10_000_000_000L),
                "container2", new ContainerVerdict.Incomplete("incomplete sample"));
        assertInstanceOf(PodAssembler.Result.Incomplete.class,
                PodAssembler.assemble("n", pod("ns1", "pod1", "Running"), verdicts));
    }

    @Test
    void zero_cpu_and_zero_memory_init_containers_are_left_out_instead_of_dropping_the_pod() {
        Map<String, ContainerVerdict> verdicts = Map.of(
                "init-config", new ContainerVerdict.LeftOut(),
                "init-volume", new ContainerVerdict.LeftOut(),
                "agent", rated(12_000_000L, 60 * MIB, T, 15_000_000_000L));
        PodMetrics pod = assertInstanceOf(PodAssembler.Result.Assembled.class,
                PodAssembler.assemble("n", pod("default", "dd-datadog-lbvkl", "Running"), verdicts)).metrics();
        assertEquals(List.of("agent"), pod.getContainers().stream().map(c -> c.getName()).toList());
    }

    @Test
    void a_pod_whose_containers_are_all_left_out_is_not_emitted() {
        assertInstanceOf(PodAssembler.Result.NoContainers.class, PodAssembler.assemble("n",
                pod("ns", "done", "Running"), Map.of("job", new ContainerVerdict.LeftOut())));
    }

    @Test
    void only_running_pods_are_emitted() {
        Map<String, ContainerVerdict> verdicts = Map.of("c", rated(1, MIB, T, 1_000_000_000L));
        for (String phase : List.of("Pending", "Succeeded", "Failed", "Unknown")) {
            PodAssembler.Result result = PodAssembler.assemble("n", pod("ns", "p", phase), verdicts);
            assertEquals(phase, assertInstanceOf(PodAssembler.Result.NotRunning.class, result).phase());
        }
    }

    @Test
    void a_pod_without_metadata_phase_is_treated_as_running() {
        Map<String, ContainerVerdict> verdicts = Map.of("c", rated(1, MIB, T, 1_000_000_000L));
        assertInstanceOf(PodAssembler.Result.Assembled.class,
                PodAssembler.assemble("n", pod("ns", "p", null), verdicts));
    }
}
