package dev.metricsstream.bench.jmh;

import dev.metricsstream.aggregator.scrape.ScrapeStep;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.avro.NodeScrape;
import java.io.IOException;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * The aggregator's pure step for one 110-pod NodeScrape against the node's stored state: the rate rule per container
 * and node, pod assembly, and the emissions (what the Streams processor does per record, without the store).
 */
public class ScrapeStepBenchmark extends MicroBenchmark {
    private static final Duration RESOLUTION = Duration.ofSeconds(15);
    private NodeState previous;
    private NodeScrape scrape;
    private long nowMillis;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        KubeletBodies bodies = KubeletBodies.fetch(110);
        NodeScrape[] scrapes = bodies.resourceScrapes();
        NodeScrape first = scrapes[0];
        scrape = scrapes[1];
        previous = ScrapeStep.apply(null, first, bodies.time1Millis(), RESOLUTION).next();
        nowMillis = bodies.time2Millis();
        int emitted = ScrapeStep.apply(previous, scrape, nowMillis, RESOLUTION).emissions().size();
        if (emitted < 110) {
            throw new IllegalStateException("expected every pod to be published, got " + emitted + " emissions");
        }
    }

    @Benchmark
    public ScrapeStep.Result rateRuleAndPodAssembly110Pods() {
        return ScrapeStep.apply(previous, scrape, nowMillis, RESOLUTION);
    }
}
