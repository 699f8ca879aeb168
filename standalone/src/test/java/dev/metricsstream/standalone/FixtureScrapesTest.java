package dev.metricsstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.aggregator.AggregatorMetrics;
import dev.metricsstream.aggregator.AggregatorTopology;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ResourceMetricsDecoder;
import dev.metricsstream.collector.parse.SummaryDecoder;
import dev.metricsstream.testkit.kubelet.Fixtures;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Two consecutive scrapes built from real kubelet captures yield metrics for the expected pods: the captures read by
 * the collector's own decoders (as the aggregator receives them in production) and by {@link FixtureScrapes}, then
 * through the aggregator's topology. A test of the pipeline (collector and aggregator code together), so it lives
 * here and neither service's tests see the other's classes.
 */
class FixtureScrapesTest {

    @TempDir
    Path stateDir;

    record Published(Map<String, PodMetrics> pods, Map<String, NodeMetrics> nodes, Map<String, Long> expected) {
    }

    Published feed(String fixture) {
        return feed(FixtureScrapes.summary(fixture));
    }

    /** The capture decoded by the collector's own decoder, as the aggregator receives it in production. */
    static NodeScrape decodedByCollector(String fixture, String nodeName) throws Exception {
        try (InputStream body = Fixtures.open(fixture)) {
            DecodeResult result = fixture.startsWith("stats-summary")
                    ? new SummaryDecoder().decode(body, nodeName, 0L)
                    : new ResourceMetricsDecoder().decode(body, nodeName, 0L);
            assertTrue(result.usable(), fixture + ": " + result.failureReason());
            NodeScrape scrape = result.scrape();
            long newest = scrape.getPods().stream().flatMap(p -> p.getContainers().stream())
                    .map(ContainerSample::getCpuTimestampMillis).filter(java.util.Objects::nonNull)
                    .mapToLong(Long::longValue).max().orElse(0L);
            scrape.setScrapeTimeMillis(newest + 1_000); // the capture's own time, not 1970
            return scrape;
        }
    }

    Published feed(NodeScrape first) {
        Topics topics = Topics.defaults();
        AggregatorConfig config = AggregatorConfig.from(Map.of("STATE_DIR", stateDir.toString()));
        Map<String, Long> expected = new HashMap<>();
        NodeScrape second = FixtureScrapes.advanced(first, 15, expected);
        try (TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(topics, config),
                AggregatorTopology.streamsProperties(topics, config, AggregatorMetrics.unregistered()),
                Instant.ofEpochMilli(first.getScrapeTimeMillis()))) {
            TestInputTopic<String, NodeScrape> in = driver.createInputTopic(topics.kubeletScrapes().name(),
                    topics.kubeletScrapes().keySerde().serializer(), topics.kubeletScrapes().valueSerde().serializer());
            in.pipeInput(first.getNodeName(), first, first.getScrapeTimeMillis());
            in.pipeInput(second.getNodeName(), second, second.getScrapeTimeMillis());
            Map<String, PodMetrics> pods = driver.createOutputTopic(topics.podMetrics().name(),
                    topics.podMetrics().keySerde().deserializer(), topics.podMetrics().valueSerde().deserializer())
                    .readKeyValuesToMap();
            Map<String, NodeMetrics> nodes = driver.createOutputTopic(topics.nodeMetrics().name(),
                    topics.nodeMetrics().keySerde().deserializer(), topics.nodeMetrics().valueSerde().deserializer())
                    .readKeyValuesToMap();
            return new Published(pods, nodes, expected);
        }
    }

    @Test
    void windows_node_pod_with_zero_reporting_init_containers_is_published_without_them() {
        Published published = feed("stats-summary_windows-eks_2020-04_init-containers-zero.json");
        assertEquals(Set.of("default/dd-datadog-lbvkl", "default/windows-server-iis-6c68545d57-gwtn9"),
                published.pods().keySet());
        PodMetrics agent = published.pods().get("default/dd-datadog-lbvkl");
        assertEquals(List.of("agent", "process-agent", "trace-agent"),
                agent.getContainers().stream().map(ContainerMetrics::getName).toList(),
                "init-config and init-volume (0 CPU, 0 memory) left out; metrics-server would drop the pod");
        assertEquals(15_000_000_000L, agent.getWindowNanos());
        assertEquals(1, published.nodes().size());
        assertEquals(FixtureScrapes.NODE_RATE_NANOCORES,
                published.nodes().get("ip-172-29-160-189.ec2.internal").getCpuNanocores());
        assertEquals(924_364_800L,
                published.nodes().get("ip-172-29-160-189.ec2.internal").getMemoryWorkingSetBytes());
    }

    @Test
    void windows_pod_decoded_by_the_collector_is_published_without_its_zero_init_containers() throws Exception {
        Published published = feed(decodedByCollector("stats-summary_windows-eks_2020-04_init-containers-zero.json",
                "ip-172-29-160-189.ec2.internal"));
        PodMetrics agent = published.pods().get("default/dd-datadog-lbvkl");
        assertEquals(List.of("agent", "process-agent", "trace-agent"),
                agent.getContainers().stream().map(ContainerMetrics::getName).toList());
        assertTrue(published.pods().containsKey("default/windows-server-iis-6c68545d57-gwtn9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "metrics-resource_kind-e2e_2021-10_70pods.prom",
        "metrics-resource_kind-private-cloud-worker_2024-01_multicontainer.prom",
        "stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json",
        "stats-summary_k8s-1.28.3_containerd-1.7.24_kind.json"})
    void captures_decoded_by_the_collector_publish_every_pod_with_exact_rates(String fixture) throws Exception {
        NodeScrape capture = decodedByCollector(fixture, "node-under-test");
        Published published = feed(capture);
        Set<String> expectedPods = new TreeSet<>();
        for (PodSample pod : capture.getPods()) {
            boolean anyNonZero = pod.getContainers().stream().anyMatch(c -> c.getCumulativeCpuNanos() != null
                    && c.getCumulativeCpuNanos() > 0 && c.getMemoryWorkingSetBytes() != null
                    && c.getMemoryWorkingSetBytes() > 0);
            if (anyNonZero) {
                expectedPods.add(pod.getNamespace() + "/" + pod.getName());
            }
        }
        assertTrue(expectedPods.size() >= 9, fixture + " has pods: " + expectedPods.size());
        assertEquals(expectedPods, new TreeSet<>(published.pods().keySet()), fixture);
        for (PodMetrics pod : published.pods().values()) {
            for (ContainerMetrics container : pod.getContainers()) {
                String id = pod.getNamespace() + "/" + pod.getName() + "/" + container.getName();
                assertEquals(published.expected().get(id), container.getCpuNanocores(), id);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "stats-summary_windows-eks_2020-04_init-containers-zero.json",
        "stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json",
        "stats-summary_minikube-2018_multicontainer-pods.json"})
    void every_pod_of_a_real_capture_is_published_with_exact_rates(String fixture) {
        Published published = feed(fixture);
        NodeScrape capture = FixtureScrapes.summary(fixture);
        Set<String> expectedPods = new TreeSet<>();
        for (PodSample pod : capture.getPods()) {
            expectedPods.add(pod.getNamespace() + "/" + pod.getName());
        }
        assertEquals(expectedPods, new TreeSet<>(published.pods().keySet()));
        int containers = 0;
        for (PodMetrics pod : published.pods().values()) {
            for (ContainerMetrics container : pod.getContainers()) {
                String id = pod.getNamespace() + "/" + pod.getName() + "/" + container.getName();
                assertEquals(published.expected().get(id), container.getCpuNanocores(), id);
                assertTrue(container.getMemoryWorkingSetBytes() > 0, id);
                containers++;
            }
        }
        assertEquals(published.expected().size(), containers, "every non-zero container has a rate");
    }
}
