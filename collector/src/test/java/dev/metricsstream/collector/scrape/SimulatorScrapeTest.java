package dev.metricsstream.collector.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.KubeletPodsMetadataSource;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.NodeMode;
import dev.metricsstream.testkit.kubelet.ResourceMetricsFormat;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimContainer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scrape path against the testkit's kubelet simulator: real HTTPS, token, the kubelet's wire formats. */
class SimulatorScrapeTest {
    private static final String TOKEN = "sim-token";
    @TempDir
    Path dir;

    /** One 30-pod node, 40 s into its life (every container has samples). */
    private static KubeletSimulator simulator(SimClock clock, ResourceMetricsFormat format) {
        KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(30).seed(7).clock(clock).token(TOKEN)
                .format(format).wholeSecondSamples(true).build().start();
        clock.advance(Duration.ofSeconds(40));
        return sim;
    }

    private KubeletHttp http(KubeletSimulator sim, Duration timeout) throws Exception {
        Path ca = sim.writeCaCertificatePem(dir.resolve("ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        return new KubeletHttp(TlsContexts.trusting(ca), new BearerToken(token), timeout, 32L << 20);
    }

    /** {@code /metrics/resource} alone, no metadata: what the failure tests need. */
    private static NodeScraper resourceOnly(KubeletHttp http) {
        return new NodeScraper(List.of(HttpKubeletSource.metricsResource(http)), MetadataSource.none(),
                new CollectorMetrics(new PrometheusRegistry()));
    }

    private static ScrapeTarget target(SimNode node) {
        return new ScrapeTarget(node.name(), java.net.URI.create(node.baseUrl()));
    }

    private static Map<String, ContainerSample> containers(NodeScrape scrape) {
        Map<String, ContainerSample> all = new HashMap<>();
        for (PodSample pod : scrape.getPods()) {
            for (ContainerSample c : pod.getContainers()) {
                all.put(pod.getNamespace() + "/" + pod.getName() + "/" + c.getName(), c);
            }
        }
        return all;
    }

    @ParameterizedTest
    @EnumSource(ResourceMetricsFormat.class)
    void both_endpoints_at_the_same_instant_decode_to_the_same_node_state(ResourceMetricsFormat format)
            throws Exception {
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = simulator(clock, format)) {
            KubeletHttp http = http(sim, Duration.ofSeconds(5));
            ScrapeTarget target = target(sim.nodes().get(0));
            long now = clock.millis();

            DecodeResult resource = HttpKubeletSource.metricsResource(http).fetch(target, now);
            DecodeResult summary = HttpKubeletSource.statsSummary(http).fetch(target, now);

            assertTrue(resource.usable() && summary.usable());
            assertTrue(resource.problems().isEmpty(), () -> resource.problems().toString());
            assertTrue(summary.problems().isEmpty(), () -> summary.problems().toString());
            Map<String, ContainerSample> fromResource = containers(resource.scrape());
            Map<String, ContainerSample> fromSummary = containers(summary.scrape());
            for (Map.Entry<String, ContainerSample> entry : fromResource.entrySet()) {
                ContainerSample r = entry.getValue();
                ContainerSample s = fromSummary.get(entry.getKey());
                assertNotNull(s, "summary has " + entry.getKey());
                assertEquals(s.getCumulativeCpuNanos(), r.getCumulativeCpuNanos(), 1.0, entry.getKey());
                assertEquals(s.getMemoryWorkingSetBytes(), r.getMemoryWorkingSetBytes(), entry.getKey());
                assertEquals(s.getCpuTimestampMillis(), r.getCpuTimestampMillis(), entry.getKey());
                if (format != ResourceMetricsFormat.ALPHA_2021) { // the 2021 kubelet had no start time series
                    assertEquals(s.getStartTimeMillis() / 1000, r.getStartTimeMillis() / 1000, entry.getKey());
                }
            }
            // the summary also lists containers without usage yet (e.g. completed init containers): a superset
            assertTrue(fromSummary.keySet().containsAll(fromResource.keySet()));
            assertEquals(summary.scrape().getNode().getCumulativeCpuNanos(),
                    resource.scrape().getNode().getCumulativeCpuNanos(), 1.0);
            assertEquals(summary.scrape().getNode().getMemoryWorkingSetBytes(),
                    resource.scrape().getNode().getMemoryWorkingSetBytes());
        }
    }

    @Test
    void a_scrape_carries_the_simulators_truth_and_its_pod_metadata() throws Exception {
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = simulator(clock, ResourceMetricsFormat.STABLE)) {
            KubeletHttp http = http(sim, Duration.ofSeconds(5));
            SimNode node = sim.nodes().get(0);
            NodeScraper scraper = new NodeScraper(List.of(HttpKubeletSource.metricsResource(http),
                    HttpKubeletSource.statsSummary(http)), new KubeletPodsMetadataSource(http),
                    new CollectorMetrics(new PrometheusRegistry()));

            NodeScrape scrape = scraper.scrape(target(node), clock.millis());

            assertEquals(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY, scrape.getSource());
            assertEquals(node.pods().size(), scrape.getPods().size());
            for (SimPod simPod : node.pods()) {
                PodSample pod = scrape.getPods().stream().filter(p -> p.getName().equals(simPod.name())
                        && p.getNamespace().equals(simPod.namespace())).findFirst().orElseThrow();
                assertEquals(simPod.uid(), pod.getUid());
                assertEquals(simPod.phase().wireName(), pod.getPhase());
                assertEquals(simPod.labels(), pod.getLabels());
                for (SimContainer simContainer : simPod.containers()) {
                    if (simContainer.sampleTime().isEmpty()) {
                        continue;
                    }
                    ContainerSample c = pod.getContainers().stream()
                            .filter(x -> x.getName().equals(simContainer.name())).findFirst().orElseThrow();
                    assertEquals(simContainer.cumulativeCpuNanos(), c.getCumulativeCpuNanos(), 1.0);
                    assertEquals(simContainer.trueMemoryWorkingSetBytes(), c.getMemoryWorkingSetBytes());
                    assertEquals(simContainer.sampleTime().get().toEpochMilli(), c.getCpuTimestampMillis());
                    assertEquals(simContainer.startTime().get().toEpochMilli() / 1000,
                            c.getStartTimeMillis() / 1000);
                }
            }
        }
    }

    /**
     * A kubelet that goes away closes the connection kept alive from the last scrape; the next scrape must not be
     * counted as {@code io_error} because it raced that close on the stale connection (Go's transport, which
     * metrics-server uses, retries an idempotent GET once on a fresh connection, and so do we).
     */
    @Test
    void a_kubelet_going_down_is_connection_refused_even_on_a_kept_alive_connection() throws Exception {
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = simulator(clock, ResourceMetricsFormat.STABLE)) {
            KubeletHttp http = http(sim, Duration.ofSeconds(2));
            SimNode node = sim.nodes().get(0);
            NodeScraper scraper = resourceOnly(http);
            for (int round = 0; round < 30; round++) {
                node.setMode(NodeMode.OK);
                assertEquals(node.pods().size(), scraper.scrape(target(node), clock.millis()).getPods().size());
                node.setMode(NodeMode.DOWN);
                ScrapeException e = assertThrows(ScrapeException.class,
                        () -> scraper.scrape(target(node), clock.millis()));
                assertEquals("connection_refused", e.reason(), "round " + round + ": " + e.getMessage());
            }
        }
    }

    @Test
    void every_failure_mode_of_a_kubelet_becomes_a_counted_reason() throws Exception {
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = simulator(clock, ResourceMetricsFormat.STABLE)) {
            KubeletHttp http = http(sim, Duration.ofMillis(500));
            SimNode node = sim.nodes().get(0);
            NodeScraper scraper = resourceOnly(http);
            Map<NodeMode, String> expected = Map.of(
                    NodeMode.SILENT, "timeout",
                    NodeMode.DOWN, "connection_refused",
                    NodeMode.HTTP_500, "http_500",
                    NodeMode.SCRAPE_ERROR, "kubelet_scrape_error",
                    NodeMode.GARBAGE, "truncated_response", // its garbage does not end in a line feed
                    NodeMode.TRUNCATED, "truncated_response");
            for (Map.Entry<NodeMode, String> entry : expected.entrySet()) {
                node.setMode(entry.getKey());
                ScrapeException e = assertThrows(ScrapeException.class,
                        () -> scraper.scrape(target(node), clock.millis()), entry.getKey().name());
                assertEquals(entry.getValue(), e.reason(), entry.getKey().name());
            }
            node.setMode(NodeMode.TRUNCATED);
            DecodeResult summary = HttpKubeletSource.statsSummary(http).fetch(target(node), clock.millis());
            assertEquals("invalid_json", summary.failureReason());
            node.setMode(NodeMode.OK);
            assertEquals(node.pods().size(), scraper.scrape(target(node), clock.millis()).getPods().size());
        }
    }
}
