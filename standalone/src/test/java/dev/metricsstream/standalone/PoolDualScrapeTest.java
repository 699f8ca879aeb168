package dev.metricsstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.scrape.ScrapeStep;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.KubeletPodsMetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.scrape.HttpKubeletSource;
import dev.metricsstream.collector.scrape.NodeScraper;
import dev.metricsstream.collector.scrape.TlsContexts;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.pipeline.TruthCheck;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collector pool mode during a scale change: a node is scraped by two collector replicas in the same interval (its
 * old owner and its new one), so the aggregator receives two scrapes of the same kubelet sample, or a late scrape
 * of an older one. Real scrapes (simulated kubelet, the collector's own scraper) go through the aggregator's
 * {@link ScrapeStep}: exactly one update per pod per interval, at the true rate (within 0.01 %), no spike. A test of
 * the pipeline (collector and aggregator code together), so it lives here and neither service's tests see the
 * other's classes.
 */
class PoolDualScrapeTest {
    private static final String TOKEN = "pool";
    private static final Duration RESOLUTION = Duration.ofSeconds(15);
    @TempDir
    Path dir;

    private record Replica(NodeScraper scraper) {
        NodeScrape scrape(ScrapeTarget target, SimClock clock) throws Exception {
            return scraper.scrape(target, clock.millis());
        }
    }

    private Replica replica(KubeletSimulator sim) throws Exception {
        Path ca = sim.writeCaCertificatePem(dir.resolve("ca-" + System.nanoTime() + ".crt"));
        Path token = Files.writeString(dir.resolve("token-" + System.nanoTime()), TOKEN);
        KubeletHttp http = new KubeletHttp(TlsContexts.trusting(ca), new BearerToken(token), Duration.ofSeconds(5),
                32L << 20);
        return new Replica(new NodeScraper(List.of(HttpKubeletSource.metricsResource(http)),
                new KubeletPodsMetadataSource(http), new CollectorMetrics(new PrometheusRegistry())));
    }

    @Test
    void two_replicas_scraping_the_same_node_give_one_update_per_pod_per_interval_at_the_true_rate()
            throws Exception {
        Instant start = Instant.parse("2026-11-21T12:00:00Z");
        SimClock clock = SimClock.at(start);
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(8).seed(9).clock(clock)
                .token(TOKEN).samplePeriod(Duration.ZERO).wholeSecondSamples(true).build().start()) {
            SimNode node = sim.nodes().get(0);
            ScrapeTarget target = new ScrapeTarget(node.name(), URI.create(node.baseUrl()));
            Replica oldOwner = replica(sim);
            Replica newOwner = replica(sim);
            NodeState state = null;
            List<Integer> updatesPerInterval = new ArrayList<>();
            NodeScrape lateFromPreviousInterval = null;
            TruthCheck trueRate = TruthCheck.within(10_000, 1_000); // the same kubelet samples: 0.01 %, floor 1 µcore
            for (int interval = 0; interval < 4; interval++) {
                clock.set(start.plusSeconds(15L * interval));
                NodeScrape first = oldOwner.scrape(target, clock);
                clock.set(start.plusSeconds(15L * interval).plusMillis(600)); // same kubelet second
                NodeScrape second = newOwner.scrape(target, clock);
                assertEquals(first.getScrapeTimeMillis() + 600, second.getScrapeTimeMillis());

                int updates = 0;
                for (NodeScrape scrape : List.of(first, second)) {
                    ScrapeStep.Result result = ScrapeStep.apply(state, scrape, scrape.getScrapeTimeMillis(),
                            RESOLUTION);
                    if (scrape == second) {
                        assertTrue(result.ignoredAsReplay(), "the second replica's scrape of the same sample");
                        assertTrue(result.emissions().isEmpty());
                    }
                    state = result.next();
                    for (Emission emission : result.emissions()) {
                        if (emission instanceof Emission.PodUpdate update) {
                            updates++;
                            for (ContainerMetrics c : update.value().getContainers()) {
                                long truth = node.pod(update.value().getNamespace(), update.value().getName())
                                        .container(c.getName()).trueCpuNanocores();
                                trueRate.value(update.key() + "/" + c.getName() + " in interval " + interval,
                                        c.getCpuNanocores(), truth);
                            }
                        }
                    }
                }
                if (lateFromPreviousInterval != null) {
                    // a replica lagging a whole interval: its older sample arrives after the newer one
                    ScrapeStep.Result late = ScrapeStep.apply(state, lateFromPreviousInterval,
                            lateFromPreviousInterval.getScrapeTimeMillis(), RESOLUTION);
                    assertTrue(late.ignoredAsReplay(), "an older sample is ignored");
                    assertTrue(late.emissions().isEmpty());
                    state = late.next();
                }
                lateFromPreviousInterval = second;
                updatesPerInterval.add(updates);
            }
            trueRate.assertNone("the true rate, no spike");
            assertEquals(List.of(0, 8, 8, 8), updatesPerInterval,
                    "no rate from the first interval, then one update per pod per interval, not one per replica");
            assertFalse(state.pods().isEmpty());
        }
    }
}
