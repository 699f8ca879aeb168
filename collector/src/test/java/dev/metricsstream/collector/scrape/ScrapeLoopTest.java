package dev.metricsstream.collector.scrape;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.testing.FakeKubelet;
import dev.metricsstream.testkit.tls.TestPki;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScrapeLoopTest {
    private static final TestPki.Issued TLS = TestPki.selfSignedServer("kubelet", "localhost", "127.0.0.1");
    private static final String RESOURCE = """
            node_cpu_usage_seconds_total 10 1700000000000
            node_memory_working_set_bytes 2048 1700000000000
            container_cpu_usage_seconds_total{container="c",namespace="n",pod="p"} 2 1700000000000
            container_memory_working_set_bytes{container="c",namespace="n",pod="p"} 1024 1700000000000
            """;
    private static final String SUMMARY = """
            {"node":{"nodeName":"fast","memory":{"time":"2023-11-14T22:13:20Z","workingSetBytes":1,"rssBytes":99}},
             "pods":[{"podRef":{"name":"p","namespace":"n","uid":"uid-p"},"containers":[{"name":"c"}]}]}
            """;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CollectorMetrics metrics = new CollectorMetrics(registry);
    private final Map<String, List<NodeScrape>> published = new ConcurrentHashMap<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private FakeKubelet kubelet() throws Exception {
        FakeKubelet kubelet = new FakeKubelet(TLS);
        closeables.add(kubelet);
        return kubelet;
    }

    private ScrapeLoop loop(List<ScrapeTarget> targets, Sources sources, Duration timeout) throws Exception {
        return loop(() -> targets, sources, timeout);
    }

    private ScrapeLoop loop(java.util.function.Supplier<List<ScrapeTarget>> targets, Sources sources,
            Duration timeout) throws Exception {
        KubeletHttp http = new KubeletHttp(TlsContexts.insecure(), BearerToken.none(), timeout, 1 << 20);
        List<KubeletSource> list = switch (sources) {
            case METRICS_RESOURCE -> List.of(HttpKubeletSource.metricsResource(http));
            case STATS_SUMMARY -> List.of(HttpKubeletSource.statsSummary(http));
            case BOTH -> List.of(HttpKubeletSource.metricsResource(http), HttpKubeletSource.statsSummary(http));
        };
        NodeScraper scraper = new NodeScraper(list, MetadataSource.none(), metrics);
        ScrapeLoop loop = new ScrapeLoop(targets, scraper,
                s -> published.computeIfAbsent(s.getNodeName(), k -> new CopyOnWriteArrayList<>()).add(s),
                metrics, Clock.systemUTC(), Duration.ofSeconds(15), 4);
        closeables.add(() -> loop.close(Duration.ofSeconds(1)));
        return loop;
    }

    private double counter(String name, String... labelPairs) {
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot instanceof CounterSnapshot counter && counter.getMetadata().getName().equals(name)) {
                return counter.getDataPoints().stream().filter(d -> {
                    for (int i = 0; i < labelPairs.length; i += 2) {
                        if (!labelPairs[i + 1].equals(d.getLabels().get(labelPairs[i]))) {
                            return false;
                        }
                    }
                    return true;
                }).mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return 0;
    }

    /** The per-node last-success gauge, node → value, as the exposition shows it. */
    private Map<String, Double> lastSuccessByNode() {
        Map<String, Double> values = new java.util.TreeMap<>();
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot instanceof GaugeSnapshot gauge && gauge.getMetadata().getName()
                    .equals("collector_target_last_successful_scrape_timestamp_seconds")) {
                gauge.getDataPoints().forEach(d -> values.put(d.getLabels().get("node"), d.getValue()));
            }
        }
        return values;
    }

    @Test
    void each_target_has_its_last_success_time_and_a_node_that_leaves_the_share_loses_its_series()
            throws Exception {
        FakeKubelet healthy = kubelet().respond("/metrics/resource", RESOURCE);
        FakeKubelet broken = kubelet().respond("/metrics/resource", "garbage\n{{{\n");
        List<ScrapeTarget> share = new CopyOnWriteArrayList<>(List.of(new ScrapeTarget("healthy",
                healthy.baseUrl()), new ScrapeTarget("broken", broken.baseUrl())));
        ScrapeLoop loop = loop(() -> List.copyOf(share), Sources.METRICS_RESOURCE, Duration.ofSeconds(5));
        double before = System.currentTimeMillis() / 1000.0;

        loop.scrapeOnce();

        Map<String, Double> values = lastSuccessByNode();
        assertEquals(java.util.Set.of("healthy", "broken"), values.keySet());
        assertTrue(values.get("healthy") >= Math.floor(before), values.toString());
        assertEquals(0.0, values.get("broken"), "never scraped successfully");

        share.removeIf(t -> t.nodeName().equals("broken")); // the node left this replica's share
        loop.scrapeOnce();

        assertEquals(java.util.Set.of("healthy"), lastSuccessByNode().keySet());
    }

    @Test
    void a_hanging_kubelet_does_not_delay_the_other_targets() throws Exception {
        FakeKubelet fast = kubelet().respond("/metrics/resource", RESOURCE);
        FakeKubelet slow = kubelet();
        slow.hang();
        ScrapeLoop loop = loop(List.of(new ScrapeTarget("slow", slow.baseUrl()),
                new ScrapeTarget("fast", fast.baseUrl())), Sources.METRICS_RESOURCE, Duration.ofSeconds(30));

        loop.tick();

        await().atMost(Duration.ofSeconds(10)).until(() -> published.containsKey("fast"));
        assertFalse(published.containsKey("slow"), "the slow kubelet is still hanging");
        loop.tick(); // the slow target is still in flight: skipped, not queued behind itself
        assertEquals(1.0, counter("collector_scrape_errors", "reason", "previous_scrape_running"));
        await().atMost(Duration.ofSeconds(10)).until(() -> published.get("fast").size() == 2);
    }

    @Test
    void every_published_scrape_carries_the_scrape_resolution_so_downstream_bounds_follow_the_data()
            throws Exception {
        FakeKubelet kubelet = kubelet().respond("/metrics/resource", RESOURCE);
        ScrapeLoop loop = loop(List.of(new ScrapeTarget("n1", kubelet.baseUrl())), Sources.METRICS_RESOURCE,
                Duration.ofSeconds(5));

        loop.scrapeOnce();

        assertEquals(15_000L, published.get("n1").get(0).getScrapeResolutionMillis());
    }

    @Test
    void a_failing_scrape_is_counted_and_the_loop_goes_on() throws Exception {
        FakeKubelet kubelet = kubelet().respond("/metrics/resource", "garbage\n{{{\n");
        ScrapeLoop loop = loop(List.of(new ScrapeTarget("n1", kubelet.baseUrl())), Sources.METRICS_RESOURCE,
                Duration.ofSeconds(5));

        loop.scrapeOnce();
        kubelet.respond("/metrics/resource", RESOURCE);
        loop.scrapeOnce();

        assertEquals(1.0, counter("collector_scrape_errors", "reason", "no_samples"));
        assertTrue(counter("collector_parse_problems", "source", "metrics-resource") >= 1);
        assertEquals(1, published.get("n1").size());
        assertEquals(1.0, counter("collector_scrapes", "result", "success"));
    }

    @Test
    void both_endpoints_merge_into_one_record() throws Exception {
        FakeKubelet kubelet = kubelet().respond("/metrics/resource", RESOURCE).respond("/stats/summary", SUMMARY);
        ScrapeLoop loop = loop(List.of(new ScrapeTarget("fast", kubelet.baseUrl())), Sources.BOTH,
                Duration.ofSeconds(5));

        loop.scrapeOnce();

        NodeScrape scrape = published.get("fast").get(0);
        assertEquals(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY, scrape.getSource());
        assertEquals(2048L, scrape.getNode().getMemoryWorkingSetBytes());
        assertEquals(99L, scrape.getNode().getMemoryRssBytes());
        assertEquals("uid-p", scrape.getPods().get(0).getUid());
        assertEquals(2_000_000_000L, scrape.getPods().get(0).getContainers().get(0).getCumulativeCpuNanos());
    }

    @Test
    void a_failing_summary_leaves_the_resource_scrape_published_alone() throws Exception {
        FakeKubelet kubelet = kubelet().respond("/metrics/resource", RESOURCE);
        ScrapeLoop loop = loop(List.of(new ScrapeTarget("fast", kubelet.baseUrl())), Sources.BOTH,
                Duration.ofSeconds(5));

        loop.scrapeOnce();

        assertEquals(ScrapeSource.METRICS_RESOURCE, published.get("fast").get(0).getSource());
        assertEquals(1.0, counter("collector_scrape_errors", "source", "stats-summary", "reason", "http_404"));
    }
}
