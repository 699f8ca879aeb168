package dev.metricsstream.bench.jmh;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.scrape.ScrapeStep;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.AvroSerde;
import java.io.IOException;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/** The schemas module's serde (single-object encoding) on a 110-pod NodeScrape and on one PodMetrics. */
public class AvroBenchmark extends MicroBenchmark {
    private final AvroSerde<NodeScrape> scrapeSerde = AvroSerde.of(NodeScrape.class);
    private final AvroSerde<PodMetrics> podSerde = AvroSerde.of(PodMetrics.class);
    private NodeScrape scrape;
    private PodMetrics pod;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        KubeletBodies bodies = KubeletBodies.fetch(110);
        NodeScrape[] scrapes = bodies.resourceScrapes();
        NodeScrape first = scrapes[0];
        scrape = scrapes[1];
        ScrapeStep.Result step = ScrapeStep.apply(ScrapeStep.apply(null, first, bodies.time1Millis(),
                Duration.ofSeconds(15)).next(), scrape, bodies.time2Millis(), Duration.ofSeconds(15));
        pod = step.emissions().stream().filter(e -> e instanceof Emission.PodUpdate)
                .map(e -> ((Emission.PodUpdate) e).value()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pod assembled from the simulator's node"));
    }

    @Benchmark
    public NodeScrape nodeScrape110PodsEncodeDecode() {
        return scrapeSerde.deserialize("kubelet-scrapes", scrapeSerde.serialize("kubelet-scrapes", scrape));
    }

    @Benchmark
    public PodMetrics podMetricsEncodeDecode() {
        return podSerde.deserialize("pod-metrics", podSerde.serialize("pod-metrics", pod));
    }
}
