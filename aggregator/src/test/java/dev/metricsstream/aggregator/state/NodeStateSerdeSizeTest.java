package dev.metricsstream.aggregator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.window.SampleSeries;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The serialized node state of a 30-pod node (one container per pod, four labels per pod), as written to the store
 * and its changelog once per scrape: without window samples, with 5 minutes and with a full hour of them (the
 * longest window at 15 s: 240 samples per entity). Prints the figures; bounds keep them from regressing.
 */
class NodeStateSerdeSizeTest {

    static final long T = 1_700_000_000_000L;

    static NodeState state(int samplesPerEntity) {
        Random random = new Random(1);
        Map<String, PodState> pods = new TreeMap<>();
        Map<String, SampleSeries> series = new HashMap<>();
        for (int p = 0; p < 30; p++) {
            String name = "web-7d4b9c8f6d-" + (10_000 + p);
            String key = "team-" + (p % 5) + "/" + name;
            Map<String, String> labels = Map.of("app", "web-" + (p % 5), "pod-template-hash", "7d4b9c8f6d",
                    "app.kubernetes.io/part-of", "shop", "tier", "frontend");
            long cumulative = 1_000_000_000_000L + random.nextInt(1_000_000_000);
            StoredPoints points = new StoredPoints(new MetricsPoint(T - 86_400_000, T - 15_000, cumulative,
                    300_000_000L), new MetricsPoint(T - 86_400_000, T, cumulative + 3_000_000_000L, 301_000_000L));
            PodMetrics last = PodMetrics.newBuilder().setNamespace("team-" + (p % 5)).setName(name)
                    .setNodeName("ip-10-0-12-34.eu-west-1.compute.internal").setLabels(labels).setTimestampMillis(T)
                    .setWindowNanos(15_000_000_000L)
                    .setContainers(List.of(new ContainerMetrics("app", 200_000_000L, 301_000_000L))).build();
            pods.put(key, new PodState(T, Map.of("app", points), last));
            SampleSeries samples = new SampleSeries();
            for (int i = 0; i < samplesPerEntity; i++) {
                samples.add(T - (samplesPerEntity - i) * 15_000L + random.nextInt(50),
                        150_000_000L + random.nextInt(100_000_000), 300_000_000L + random.nextInt(2_000_000), labels);
            }
            if (samplesPerEntity > 0) {
                series.put(key, samples);
            }
        }
        if (samplesPerEntity > 0) {
            SampleSeries node = new SampleSeries();
            for (int i = 0; i < samplesPerEntity; i++) {
                node.add(T - (samplesPerEntity - i) * 15_000L, 3_000_000_000L + random.nextInt(1_000_000_000),
                        12_000_000_000L + random.nextInt(100_000_000), Map.of("kubernetes.io/hostname", "n"));
            }
            series.put("ip-10-0-12-34.eu-west-1.compute.internal", node);
        }
        return new NodeState(T, T + 3, new StoredPoints(new MetricsPoint(T - 86_400_000, T - 15_000, 1L << 50,
                12_000_000_000L), new MetricsPoint(T - 86_400_000, T, (1L << 50) + 45_000_000_000L, 12_100_000_000L)),
                T, pods, new Usage(3_000_000_000L, 12_100_000_000L, T, 15_000_000_000L), T, series);
    }

    @Test
    void a_30_pod_node_state_costs_bytes_per_pod_and_about_ten_bytes_per_pod_sample() {
        NodeStateSerde serde = new NodeStateSerde();
        int none = serde.serialize("t", state(0)).length;
        int fiveMinutes = serde.serialize("t", state(20)).length;
        int hour = serde.serialize("t", state(240)).length;
        double perSample = (hour - none) / (31.0 * 240);
        System.out.printf("node state, 30 pods: %d B without samples (%.0f B/pod), %d B with 20 samples/entity, "
                + "%d B with 240 (a full hour); %.1f B per entity-sample%n", none, none / 30.0, fiveMinutes, hour,
                perSample);
        assertEquals(state(240), serde.deserialize("t", serde.serialize("t", state(240))), "round trip");
        assertTrue(none < 30 * 120, "rate points and live values: " + none);
        assertTrue(perSample < 12, "bytes per sample: " + perSample);
    }
}
