package dev.metricsstream.collector.scrape;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.KubeletPodsMetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.NodeMode;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pool-sized scrape loop: 20 simulated kubelets on 4 workers, one of them hung (accepts the request, never
 * answers). The request timeout is far longer than the test, so the hung scrape stays in flight throughout: every
 * healthy kubelet must still be scraped in every cycle, at that cycle's instant.
 */
class HungKubeletPoolTest {
    private static final String TOKEN = "pool-token";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    @TempDir
    Path dir;

    @Test
    void a_hung_kubelet_holds_one_worker_and_every_other_node_is_scraped_in_every_cycle() throws Exception {
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(20).podsPerNode(5).seed(3).clock(clock)
                .token(TOKEN).wholeSecondSamples(true).build().start()) {
            SimNode hung = sim.nodes().get(7);
            hung.setMode(NodeMode.SILENT);
            Path ca = sim.writeCaCertificatePem(dir.resolve("ca.crt"));
            Path token = Files.writeString(dir.resolve("token"), TOKEN);
            KubeletHttp http = new KubeletHttp(TlsContexts.trusting(ca), new BearerToken(token),
                    Duration.ofMinutes(5), 32L << 20);
            PrometheusRegistry registry = new PrometheusRegistry();
            CollectorMetrics metrics = new CollectorMetrics(registry);
            NodeScraper scraper = new NodeScraper(List.of(HttpKubeletSource.metricsResource(http)),
                    new KubeletPodsMetadataSource(http), metrics);
            List<ScrapeTarget> targets = sim.nodes().stream()
                    .map(n -> new ScrapeTarget(n.name(), URI.create(n.baseUrl()))).toList();
            Map<String, List<Long>> requestTimes = new ConcurrentHashMap<>();
            ScrapeSink sink = (NodeScrape s) -> requestTimes
                    .computeIfAbsent(s.getNodeName(), k -> new CopyOnWriteArrayList<>()).add(s.getScrapeTimeMillis());
            ScrapeLoop loop = new ScrapeLoop(() -> targets, scraper, sink, metrics, clock, Duration.ofSeconds(15), 4);
            try {
                for (int cycle = 1; cycle <= 3; cycle++) {
                    long tickMillis = clock.millis();
                    loop.tick();
                    int expected = cycle;
                    await().atMost(PATIENCE).until(() -> sim.nodes().stream().filter(n -> n != hung)
                            .allMatch(n -> requestTimes.getOrDefault(n.name(), List.of()).size() == expected));
                    for (SimNode node : sim.nodes()) {
                        if (node != hung) {
                            assertEquals(tickMillis, requestTimes.get(node.name()).get(cycle - 1),
                                    node.name() + " was scraped at cycle " + cycle + "'s instant");
                        }
                    }
                    assertTrue(!requestTimes.containsKey(hung.name()), "the hung kubelet is still in flight");
                    clock.advance(Duration.ofSeconds(15));
                }
                assertEquals(1, hung.requestCount("/metrics/resource"),
                        "the hung kubelet was asked once; later cycles skipped it while its scrape was running");
                assertEquals(3 * 19, requestTimes.values().stream().mapToInt(List::size).sum());
            } finally {
                loop.close(Duration.ofMillis(200));
            }
        }
    }
}
