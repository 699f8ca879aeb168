package dev.metricsstream.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.api.ListWriter;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.select.LabelSelector;
import dev.metricsstream.gateway.store.NodeUsageView;
import dev.metricsstream.schemas.AvroSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Setup;

/**
 * The gateway's node-usage view at 1,000 nodes × 30 pods (30,000 pods, 100 namespaces): the HPA-shaped selector query
 * (one namespace, label selector), the all-pods PodMetricsList from pre-rendered items against the generator path it
 * replaced, and applying one node-usage record (decode + convert + render + index), the loader's per-record cost.
 */
@Fork(1)
@Measurement(iterations = 5, time = 2)
public class GatewayViewBenchmark extends MicroBenchmark {
    private static final int NODES = 1000;
    private static final int PODS_PER_NODE = 30;
    private static final AvroSerde<NodeUsage> SERDE = AvroSerde.of(NodeUsage.class);

    private NodeUsageView view;
    private List<byte[]> records;
    private List<NodeUsageView.NodeEntry> entries;
    private int next;
    private String namespace;
    private String hpaSelector;

    @Setup(Level.Trial)
    public void setUp() {
        List<PodMetrics> pods = StoredPods.generate(NODES * PODS_PER_NODE, 100, 7);
        records = new ArrayList<>(NODES);
        entries = new ArrayList<>(NODES);
        view = new NodeUsageView();
        for (int n = 0; n < NODES; n++) {
            NodeUsage usage = StoredPods.nodeUsage(String.format("node-%05d", n),
                    pods.subList(n * PODS_PER_NODE, (n + 1) * PODS_PER_NODE));
            records.add(SERDE.serialize("node-usage", usage));
            entries.add(NodeUsageView.decode(usage));
            view.put(entries.get(n), 15_000);
        }
        PodMetrics sample = pods.get(pods.size() / 2);
        namespace = sample.getNamespace();
        hpaSelector = "app=" + sample.getLabels().get("app") + ",pod-template-hash="
                + sample.getLabels().get("pod-template-hash");
    }

    @Benchmark
    public int hpaSelectorOneNamespace30000Pods() {
        LabelSelector selector = LabelSelector.parse(hpaSelector);
        int[] matched = {0};
        view.forEachPod(namespace, pod -> {
            if (selector.matches(pod.metrics().getLabels())) {
                matched[0]++;
            }
        });
        return matched[0];
    }

    @Benchmark
    public long allPodsListPreRendered30000Pods() throws IOException {
        JsonRenderBenchmark.CountingSink sink = new JsonRenderBenchmark.CountingSink();
        ListWriter list = new ListWriter(sink, MetricsJson.POD_KIND, "metrics.k8s.io/v1beta1", System.currentTimeMillis());
        view.forEachPod(null, pod -> {
            try {
                list.item(pod.json());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        list.end();
        return sink.bytes;
    }

    @Benchmark
    public long allPodsListGenerator30000Pods() throws IOException {
        JsonRenderBenchmark.CountingSink sink = new JsonRenderBenchmark.CountingSink();
        long now = System.currentTimeMillis();
        try (JsonGenerator json = MetricsJson.generator(sink)) {
            MetricsJson.startList(json, MetricsJson.POD_KIND, "metrics.k8s.io/v1beta1");
            view.forEachPod(null, pod -> {
                try {
                    MetricsJson.writePod(json, pod.metrics(), "metrics.k8s.io/v1beta1", now, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MetricsJson.endList(json);
        }
        return sink.bytes;
    }

    /** One node-usage record of 30 pods: decode, convert, render list items, replace the node's pods. */
    @Benchmark
    public long applyOneNodeUsageRecord30Pods() {
        byte[] record = records.get(next);
        next = (next + 1) % records.size();
        NodeUsage usage = SERDE.deserialize("node-usage", record);
        view.put(NodeUsageView.decode(usage), usage.getScrapeResolutionMillis());
        return view.podCount();
    }

    /** The view's own share of that: replace a node's 30 pods with an already decoded record (the index work). */
    @Benchmark
    public long replaceOneNodeDecoded30Pods() {
        NodeUsageView.NodeEntry entry = entries.get(next);
        next = (next + 1) % entries.size();
        view.put(entry, 15_000);
        return view.podCount();
    }
}
