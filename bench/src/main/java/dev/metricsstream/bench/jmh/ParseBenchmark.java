package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ResourceMetricsDecoder;
import dev.metricsstream.collector.parse.SummaryDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/** The collector's decoders on a 110-pod node: response body → NodeScrape. */
public class ParseBenchmark extends MicroBenchmark {
    private KubeletBodies bodies;
    private final ResourceMetricsDecoder resource = new ResourceMetricsDecoder();
    private final SummaryDecoder summary = new SummaryDecoder();

    @Setup(Level.Trial)
    public void setUp() {
        bodies = KubeletBodies.fetch(110);
    }

    @Benchmark
    public NodeScrape metricsResource110Pods() throws IOException {
        DecodeResult result = resource.decode(new ByteArrayInputStream(bodies.resource1()), bodies.nodeName(),
                bodies.time1Millis());
        return result.scrape();
    }

    @Benchmark
    public NodeScrape statsSummary110Pods() throws IOException {
        DecodeResult result = summary.decode(new ByteArrayInputStream(bodies.summary1()), bodies.nodeName(),
                bodies.time1Millis());
        return result.scrape();
    }
}
