package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.store.LoadListener;
import dev.metricsstream.gateway.store.NodeUsageLoader;
import dev.metricsstream.gateway.store.NodeUsageView;
import dev.metricsstream.schemas.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's {@code node-usage} loader step for one 30-pod node update, as {@code GatewayStore} runs it
 * ({@link NodeUsageLoader#apply}: Avro bytes → NodeUsage → view entry with rendered list items → put), over a view
 * holding 1,000 nodes × 30 pods. Successive records of a node carry new usage values and timestamps (two rounds,
 * alternating) with the same pods and labels, as successive scrapes do. Run with {@code -prof gc}: the figure that
 * matters for the gateway's heap is {@code gc.alloc.rate.norm}, bytes allocated per node update.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GatewayLoadBenchmark extends MicroBenchmark {
    private static final int NODES = 1000;
    private static final int PODS_PER_NODE = 30;
    private static final int ROUNDS = 2;
    private static final AvroSerde<NodeUsage> SERDE = AvroSerde.of(NodeUsage.class);

    private NodeUsageLoader loader;
    private NodeUsageView view;
    private List<byte[]> records;
    private List<String> keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<PodMetrics> pods = StoredPods.generate(NODES * PODS_PER_NODE, 100, 7);
        SplittableRandom random = new SplittableRandom(11);
        records = new ArrayList<>(NODES * ROUNDS);
        keys = new ArrayList<>(NODES * ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            for (int n = 0; n < NODES; n++) {
                String node = String.format("node-%05d", n);
                List<PodMetrics> scraped = new ArrayList<>(PODS_PER_NODE);
                for (PodMetrics pod : pods.subList(n * PODS_PER_NODE, (n + 1) * PODS_PER_NODE)) {
                    List<ContainerMetrics> containers = new ArrayList<>();
                    for (ContainerMetrics c : pod.getContainers()) {
                        containers.add(new ContainerMetrics(c.getName(), random.nextLong(1_000_000, 900_000_000),
                                random.nextLong(20L << 20, 2L << 30)));
                    }
                    scraped.add(PodMetrics.newBuilder(pod)
                            .setTimestampMillis(pod.getTimestampMillis() + round * 15_000L)
                            .setContainers(containers).build());
                }
                records.add(SERDE.serialize("node-usage", StoredPods.nodeUsage(node, scraped)));
                keys.add(node);
            }
        }
        view = new NodeUsageView();
        loader = new NodeUsageLoader(view, SERDE, LoadListener.NONE);
        for (int i = 0; i < records.size(); i++) {
            loader.apply("node-usage", keys.get(i), records.get(i));
        }
    }

    /** One node-usage record of 30 pods through the loader step. */
    @Benchmark
    public long loadOneNodeUsageRecord30Pods() {
        int i = next;
        next = (i + 1) % records.size();
        loader.apply("node-usage", keys.get(i), records.get(i));
        return view.podCount();
    }
}
