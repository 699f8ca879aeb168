package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.select.LabelSelector;
import dev.metricsstream.gateway.store.InMemoryMetricsStore;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * The gateway's label selector (parse + match) over 150,000 stored pods read through its store reader API
 * ({@link InMemoryMetricsStore}): an HPA-shaped query within one namespace, the same across all namespaces, and a
 * set-based selector over every pod, plus one namespace holding all 150,000 pods.
 */
public class SelectorBenchmark extends MicroBenchmark {
    private static final int PODS = 150_000;
    private InMemoryMetricsStore spread;
    private InMemoryMetricsStore single;
    private String hpaSelector;
    private String namespace;

    @Setup(Level.Trial)
    public void setUp() {
        List<PodMetrics> pods = StoredPods.generate(PODS, 100, 7);
        spread = StoredPods.store(pods);
        single = StoredPods.store(StoredPods.generate(PODS, 1, 7));
        PodMetrics sample = pods.get(PODS / 2);
        namespace = sample.getNamespace();
        hpaSelector = "app=" + sample.getLabels().get("app") + ",pod-template-hash="
                + sample.getLabels().get("pod-template-hash");
    }

    private static int count(InMemoryMetricsStore store, String namespace, String selectorText) {
        LabelSelector selector = LabelSelector.parse(selectorText);
        int[] matched = {0};
        if (namespace == null) {
            store.forEachPod(pod -> {
                if (selector.matches(pod.getLabels())) {
                    matched[0]++;
                }
            });
        } else {
            store.forEachPodInNamespace(namespace, pod -> {
                if (selector.matches(pod.getLabels())) {
                    matched[0]++;
                }
            });
        }
        return matched[0];
    }

    @Benchmark
    public int hpaSelectorOneNamespaceOf100() {
        return count(spread, namespace, hpaSelector);
    }

    @Benchmark
    public int hpaSelectorAllNamespaces() {
        return count(spread, null, hpaSelector);
    }

    @Benchmark
    public int setSelectorAllNamespaces() {
        return count(spread, null, "tier in (frontend,cache),version!=v3,!canary");
    }

    @Benchmark
    public int hpaSelectorOneNamespaceWithAllPods() {
        return count(single, StoredPods.namespace(0), hpaSelector);
    }
}
