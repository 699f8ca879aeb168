package dev.metricsstream.aggregator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.window.OpenWindows;
import dev.metricsstream.aggregator.window.WindowSample;
import java.util.ArrayList;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What one scrape of a 30-pod node (one container per pod, four labels per pod) writes to the stores and their
 * changelogs: the node state (rate points, live values, open-window bookkeeping) and one chunk of 31 window samples.
 * The window samples of earlier scrapes are not rewritten, so neither grows with the hour window. Prints the figures;
 * bounds keep them from regressing.
 */
class NodeStateSerdeSizeTest {

    static final long T = 1_700_000_000_000L;

    static final String NODE = "ip-10-0-12-34.eu-west-1.compute.internal";

    static Map<String, String> labels(int p) {
        return Map.of("app", "web-" + (p % 5), "pod-template-hash", "7d4b9c8f6d", "app.kubernetes.io/part-of", "shop",
                "tier", "frontend");
    }

    static String podKey(int p) {
        return "team-" + (p % 5) + "/web-7d4b9c8f6d-" + (10_000 + p);
    }

    static NodeState state() {
        Random random = new Random(1);
        Map<String, PodState> pods = new TreeMap<>();
        for (int p = 0; p < 30; p++) {
            String key = podKey(p);
            long cumulative = 1_000_000_000_000L + random.nextInt(1_000_000_000);
            StoredPoints points = new StoredPoints(new MetricsPoint(T - 86_400_000, T - 15_000, cumulative,
                    300_000_000L), new MetricsPoint(T - 86_400_000, T, cumulative + 3_000_000_000L, 301_000_000L));
            PodMetrics last = PodMetrics.newBuilder().setNamespace("team-" + (p % 5))
                    .setName(key.substring(key.indexOf('/') + 1)).setNodeName(NODE).setLabels(labels(p))
                    .setTimestampMillis(T).setWindowNanos(15_000_000_000L)
                    .setContainers(List.of(new ContainerMetrics("app", 200_000_000L, 301_000_000L))).build();
            pods.put(key, new PodState(T, Map.of("app", points), last));
        }
        OpenWindows open = new OpenWindows(new long[] {60_000, 300_000, 3_600_000},
                new long[] {T - 45_000, T - 285_000, T - 3_585_000}, T);
        return new NodeState(T, T + 3, new StoredPoints(new MetricsPoint(T - 86_400_000, T - 15_000, 1L << 50,
                12_000_000_000L), new MetricsPoint(T - 86_400_000, T, (1L << 50) + 45_000_000_000L, 12_100_000_000L)),
                T, pods, new Usage(3_000_000_000L, 12_100_000_000L, T, 15_000_000_000L), T, open);
    }

    /** The window samples one scrape publishes: the node and its 30 pods. */
    static List<WindowSample> chunk() {
        Random random = new Random(2);
        List<WindowSample> samples = new ArrayList<>();
        samples.add(new WindowSample(NODE, T, 3_000_000_000L + random.nextInt(1_000_000_000),
                12_000_000_000L + random.nextInt(100_000_000), Map.of("kubernetes.io/hostname", "n")));
        for (int p = 0; p < 30; p++) {
            samples.add(new WindowSample(podKey(p), T - random.nextInt(50), 150_000_000L + random.nextInt(100_000_000),
                    300_000_000L + random.nextInt(2_000_000), labels(p)));
        }
        return samples;
    }

    @Test
    void a_scrape_of_a_30_pod_node_writes_bytes_per_pod_whatever_the_open_windows_hold() {
        NodeStateSerde serde = new NodeStateSerde();
        int state = serde.serialize("t", state()).length;
        List<WindowSample> chunk = chunk();
        int chunkBytes = WindowSampleStore.encode(T, chunk).length;
        System.out.printf("per scrape, 30 pods: node state %d B (%.0f B/pod), window sample chunk %d B (%.1f B per "
                + "entity-sample)%n", state, state / 30.0, chunkBytes, chunkBytes / 31.0);
        assertEquals(state(), serde.deserialize("t", serde.serialize("t", state())), "round trip");
        assertEquals(chunk.stream().map(s -> new WindowSample(s.entity(), s.timestampMillis(), s.cpuNanocores(),
                s.memoryBytes(), new TreeMap<>(s.labels()))).toList(),
                WindowSampleStore.decode(T, WindowSampleStore.encode(T, chunk)), "chunk round trip");
        assertTrue(state < 30 * 120, "rate points, live values and open windows: " + state);
        assertTrue(chunkBytes < 31 * 80, "one scrape's window samples: " + chunkBytes);
    }
}
