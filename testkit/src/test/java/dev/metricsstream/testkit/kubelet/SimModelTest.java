package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The model's rules, without sockets (the simulator is built but not started). */
class SimModelTest {

    private final SimClock clock = SimClock.fixed();
    private final KubeletSimulator sim = KubeletSimulator.builder().nodes(2).podsPerNode(6).seed(3).clock(clock)
            .tls(false).samplePeriod(Duration.ZERO).build();
    private final SimNode node = sim.nodes().get(0);

    @Test
    void the_fleet_builder_places_pods_per_node_with_one_to_three_containers() {
        assertEquals(2, sim.nodes().size());
        assertEquals("sim-worker-1", node.name());
        for (SimNode n : sim.nodes()) {
            assertEquals(6, n.pods().size());
            for (SimPod pod : n.pods()) {
                assertTrue(pod.containers().size() >= 1 && pod.containers().size() <= 3, pod.toString());
                assertEquals(PodPhase.RUNNING, pod.phase());
            }
        }
        assertEquals(12, sim.truth().stream().map(t -> t.node() + t.pod()).distinct().count());
    }

    @Test
    void node_truth_is_system_cpu_plus_every_running_container() {
        long containers = sim.truth().stream().filter(t -> t.node().equals(node.name()))
                .mapToLong(ContainerTruth::cpuNanocores).sum();
        assertEquals(node.systemCpuNanocores() + containers, node.trueCpuNanocores());
        assertEquals(node.trueCpuNanocores(), sim.nodeTruth().get(0).cpuNanocores());
    }

    @Test
    void cumulative_cpu_read_back_is_rate_times_time_at_microsecond_resolution() {
        SimContainer c = node.pods().get(1).containers().get(0);
        long before = c.cumulativeCpuNanos();
        c.setCpuNanocores(2_000_000_000L);
        clock.advance(Duration.ofSeconds(30));
        assertEquals(before + 60_000_000_000L, c.cumulativeCpuNanos(), 1_000);
        assertEquals(c.cumulativeCpuNanosAt(clock.instant()) / 1000, c.cumulativeCpuNanos() / 1000);
    }

    @Test
    void unknown_or_duplicate_pods_and_impossible_changes_are_refused_with_clear_errors() {
        SimPod pod = node.pods().get(2);
        assertThrows(NoSuchElementException.class, () -> node.pod("nope", "nope"));
        assertThrows(NoSuchElementException.class, () -> node.deletePod("nope", "nope"));
        assertThrows(NoSuchElementException.class, () -> pod.container("nope"));
        assertThrows(NoSuchElementException.class, () -> sim.node("nope"));
        assertThrows(IllegalArgumentException.class, () -> node.addPod(PodSpec.builder(pod.namespace(), pod.name())
                .container(ContainerSpec.of("x", "busybox", 1, 1)).build()));
        assertThrows(IllegalArgumentException.class, () -> pod.containers().get(0).setCpuNanocores(-1));
        assertThrows(IllegalStateException.class, () -> pod.setPhase(PodPhase.PENDING));
        assertThrows(IllegalArgumentException.class, () -> PodSpec.builder("a", "b").build());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        SimPod withInit = node.addPod(PodSpec.builder("ns", "p").initContainer("init", "busybox")
                .container(ContainerSpec.of("c", "busybox", 10, 10)).build());
        assertThrows(IllegalStateException.class, () -> withInit.container("init").restart());
        assertThrows(IllegalStateException.class, () -> node.baseUrl(), "not started yet");
    }

    @Test
    void a_deleted_pods_cpu_stays_in_the_node_counter() {
        SimPod pod = node.pods().get(4);
        clock.advance(Duration.ofSeconds(10));
        long nodeBefore = node.cumulativeCpuNanosAt(clock.instant());
        long podRate = pod.trueCpuNanocores();
        node.deletePod(pod.namespace(), pod.name());
        assertEquals(nodeBefore, node.cumulativeCpuNanosAt(clock.instant()));
        long nodeRate = node.trueCpuNanocores();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(nodeBefore + nodeRate * 10, node.cumulativeCpuNanosAt(clock.instant()), 100);
        assertTrue(podRate > 0);
        assertTrue(node.findPod(pod.namespace(), pod.name()).isEmpty());
    }
}
