package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ResourceMetricsDecoder;
import dev.metricsstream.collector.parse.SummaryDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The collector's decoders on a 110-pod node: response body → NodeScrape. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class ParseBenchmark {
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
