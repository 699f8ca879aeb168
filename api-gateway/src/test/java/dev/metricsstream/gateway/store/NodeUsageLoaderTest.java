package dev.metricsstream.gateway.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.metricsstream.avro.ContainerUsage;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodUsage;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.avro.UsageSample;
import dev.metricsstream.gateway.api.ListItemJson;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.schemas.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The loader shares strings, label maps and rendered metadata with a node's previous record and decodes into the
 * objects of the record before: what it serves must be exactly what a fresh decode of each record serves.
 */
class NodeUsageLoaderTest {
    private static final AvroSerde<NodeUsage> SERDE = AvroSerde.of(NodeUsage.class);
    private static final String TOPIC = "node-usage";
    private static final long REQUEST_MILLIS = 1_764_900_000_000L;

    private final NodeUsageView view = new NodeUsageView();
    private final NodeUsageLoader loader = new NodeUsageLoader(view, SERDE, LoadListener.NONE);

    private void load(NodeUsage usage) {
        loader.apply(TOPIC, usage.getNodeName(), SERDE.serialize(TOPIC, usage));
    }

    @Test
    void a_pod_whose_labels_change_between_two_records_is_served_with_the_new_labels() {
        load(node("n1", 1000, pod("shop", "web-0", Map.of("app", "web", "version", "v1"), 1000, 5_000_000, 64L << 20),
                pod("shop", "web-1", Map.of("app", "web", "version", "v1"), 1000, 7_000_000, 64L << 20)));
        ListItemJson before = view.pod("shop", "web-1").orElseThrow().json();

        load(node("n1", 16_000, pod("shop", "web-0", Map.of("app", "web", "version", "v2"), 16_000, 6_000_000, 65L << 20),
                pod("shop", "web-1", Map.of("app", "web", "version", "v1"), 16_000, 8_000_000, 65L << 20)));

        NodeUsageView.StoredPod changed = view.pod("shop", "web-0").orElseThrow();
        assertEquals(Map.of("app", "web", "version", "v2"), changed.metrics().getLabels());
        String item = render(changed.json());
        assertEquals(render(MetricsJson.podListItem(changed.metrics())), item);
        assertEquals(true, item.contains("\"labels\":{\"app\":\"web\",\"version\":\"v2\"}"), item);
        assertEquals(true, item.contains("\"cpu\":\"6m\""), item);
        // the unchanged pod shares its metadata with its previous item, and its usage is the new one
        NodeUsageView.StoredPod unchanged = view.pod("shop", "web-1").orElseThrow();
        assertSame(before.meta(), unchanged.json().meta());
        assertNotSame(before.body(), unchanged.json().body());
        assertEquals(true, render(unchanged.json()).contains("\"cpu\":\"8m\""));
    }

    @Test
    void a_record_with_a_pod_gained_in_the_middle_still_serves_every_pod_with_its_own_labels() {
        load(node("n1", 1000, pod("a", "p1", Map.of("k", "1"), 1000, 1000, 2048),
                pod("a", "p3", Map.of("k", "3"), 1000, 1000, 2048)));
        load(node("n1", 16_000, pod("a", "p1", Map.of("k", "1"), 16_000, 1000, 2048),
                pod("a", "p2", Map.of("k", "2"), 16_000, 1000, 2048), pod("a", "p3", Map.of("k", "3"), 16_000, 1000, 2048)));

        for (String name : List.of("p1", "p2", "p3")) {
            NodeUsageView.StoredPod pod = view.pod("a", name).orElseThrow();
            assertEquals(Map.of("k", name.substring(1)), pod.metrics().getLabels(), name);
            assertEquals(render(MetricsJson.podListItem(pod.metrics())), render(pod.json()), name);
        }
    }

    @Test
    void after_any_sequence_of_records_the_loader_serves_what_a_fresh_decode_of_each_record_serves() {
        for (long seed = 0; seed < 60; seed++) {
            Random random = new Random(seed);
            NodeUsageView reference = new NodeUsageView();
            NodeUsageView reusing = new NodeUsageView();
            NodeUsageLoader reusingLoader = new NodeUsageLoader(reusing, SERDE, LoadListener.NONE);
            Map<String, Map<String, String>> labelsByPod = new HashMap<>();
            for (int step = 0; step < 80; step++) {
                String nodeName = "n" + random.nextInt(3);
                if (random.nextInt(12) == 0) {
                    reference.remove(nodeName);
                    reusingLoader.apply(TOPIC, nodeName, null);
                } else {
                    NodeUsage usage = randomRecord(random, nodeName, step, labelsByPod);
                    byte[] bytes = SERDE.serialize(TOPIC, usage);
                    NodeUsage fresh = SERDE.deserialize(TOPIC, bytes);
                    reference.put(NodeUsageView.decode(fresh), fresh.getScrapeResolutionMillis());
                    reusingLoader.apply(TOPIC, nodeName, bytes);
                }
                String context = "seed " + seed + ", step " + step;
                assertEquals(served(reference), served(reusing), context);
                assertEquals(nodes(reference), nodes(reusing), context);
            }
        }
    }

    /** Every served pod: its record, summary and list item as a list response writes it. */
    private static Map<String, String> served(NodeUsageView view) {
        Map<String, String> served = new TreeMap<>();
        view.forEachPod(null, pod -> served.put(pod.metrics().getNamespace() + "/" + pod.metrics().getName(),
                pod.metrics() + " " + pod.summary() + " " + render(pod.json())));
        return served;
    }

    private static Map<String, String> nodes(NodeUsageView view) {
        Map<String, String> nodes = new TreeMap<>();
        view.forEachNode(node -> nodes.put(node.getNodeName(),
                node + " " + view.nodeSummary(node.getNodeName()).orElse(null)));
        return nodes;
    }

    private static String render(ListItemJson item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(item.head());
        out.writeBytes(ListItemJson.quotedTime(REQUEST_MILLIS));
        out.writeBytes(item.meta());
        out.writeBytes(item.body());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final String[] NAMES = {"web-0", "web-1", "db-0", "agent", "job-7", "cache", "ünïcode", "q\"uote"};
    private static final String[] CONTAINERS = {"app", "istio-proxy", "side\\car", "init\n", "é", ""};
    private static final String[] VALUES = {"web", "v1", "v2", "shop", "", "a/b", "ü"};

    private static NodeUsage randomRecord(Random random, String nodeName, int step,
            Map<String, Map<String, String>> labelsByPod) {
        List<PodUsage> pods = new ArrayList<>();
        for (String name : NAMES) {
            if (random.nextInt(4) == 0) {
                continue; // not on this node this time
            }
            String namespace = random.nextInt(6) == 0 ? "other" : "ns";
            String key = namespace + "/" + name;
            Map<String, String> labels = labelsByPod.get(key);
            if (labels == null || random.nextInt(5) == 0) { // labels change now and then
                labels = new HashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    labels.put("k" + random.nextInt(4), VALUES[random.nextInt(VALUES.length)]);
                }
                labelsByPod.put(key, labels);
            }
            List<ContainerUsage> containers = new ArrayList<>();
            for (int i = random.nextInt(3); i >= 0; i--) {
                String container = random.nextInt(4) == 0 ? CONTAINERS[random.nextInt(CONTAINERS.length)] : "c" + i;
                containers.add(new ContainerUsage(container, cpu(random), memory(random)));
            }
            SummaryUsage summary = random.nextInt(3) == 0 ? null : new SummaryUsage(
                    (long) step * 15_000, 15_000_000_000L, random.nextDouble() * 1e6, null, (long) random.nextInt(1 << 30),
                    random.nextBoolean() ? null : (long) random.nextInt());
            long timestamp = 1_764_000_000_000L + step * 15_000L + random.nextInt(3) * 700L;
            pods.add(PodUsage.newBuilder().setNamespace(namespace).setName(name).setLabels(labels)
                    .setTimestampMillis(timestamp).setWindowNanos(random.nextInt(3) == 0 ? 15_012_000_000L
                            : 1_000_000L * random.nextInt(100_000))
                    .setContainers(containers).setSummary(summary).build());
        }
        pods.sort((a, b) -> (a.getNamespace() + "/" + a.getName()).compareTo(b.getNamespace() + "/" + b.getName()));
        if (random.nextInt(5) == 0) {
            java.util.Collections.shuffle(pods, random); // the view must not depend on the order
        }
        UsageSample sample = random.nextInt(5) == 0 ? null
                : new UsageSample(1_764_000_000_000L + step * 15_000L, 15_000_000_000L, cpu(random), memory(random));
        Map<String, String> nodeLabels = random.nextInt(4) == 0 ? Map.of("zone", "z" + random.nextInt(2))
                : Map.of("kubernetes.io/hostname", nodeName);
        return NodeUsage.newBuilder().setNodeName(nodeName).setLabels(nodeLabels).setScrapeResolutionMillis(15_000)
                .setNode(sample).setPods(pods)
                .setNodeSummary(random.nextBoolean() ? null : new SummaryUsage(null, null, null, 2.5, 1L << 30, 77L))
                .build();
    }

    /** Nanocores around every suffix boundary of the canonical quantity. */
    private static long cpu(Random random) {
        long base = 1 + random.nextInt(999_999);
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> base;
            case 2 -> base * 1_000;
            case 3 -> base * 1_000_000;
            case 4 -> base * 1_000_000_000L;
            case 5 -> 1_000_000_000_000L * (1 + random.nextInt(5));
            case 6 -> random.nextLong(1, Long.MAX_VALUE / 1000);
            default -> 1_500_000_000L;
        };
    }

    /** Bytes around every suffix boundary of the canonical quantity. */
    private static long memory(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1024);
            case 2 -> 1000;
            case 3 -> (1 + random.nextInt(100_000)) * 1024L;
            case 4 -> (1 + random.nextInt(2048)) << 20;
            case 5 -> (long) (1 + random.nextInt(8)) << (10 * (3 + random.nextInt(4)));
            case 6 -> random.nextLong(1024, Long.MAX_VALUE);
            default -> 1023 + random.nextInt(3);
        };
    }

    private static NodeUsage node(String name, long millis, PodUsage... pods) {
        return NodeUsage.newBuilder().setNodeName(name).setLabels(Map.of("kubernetes.io/hostname", name))
                .setScrapeResolutionMillis(15_000).setNode(new UsageSample(millis, 15_000_000_000L, 1_000_000L, 1L << 30))
                .setPods(List.of(pods)).build();
    }

    private static PodUsage pod(String namespace, String name, Map<String, String> labels, long millis,
            long cpuNanocores, long memoryBytes) {
        return PodUsage.newBuilder().setNamespace(namespace).setName(name).setLabels(labels).setTimestampMillis(millis)
                .setWindowNanos(15_000_000_000L)
                .setContainers(List.of(new ContainerUsage("app", cpuNanocores, memoryBytes))).build();
    }
}
