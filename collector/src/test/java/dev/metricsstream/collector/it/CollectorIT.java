package dev.metricsstream.collector.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimContainer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The collector against a simulated fleet of 3 kubelets and the real broker: what lands on the topic is the truth. */
@ExtendWith(KafkaBrokerExtension.class)
class CollectorIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final KafkaBroker broker;
    @TempDir
    Path dir;

    CollectorIT(KafkaBroker broker) {
        this.broker = broker;
    }

    /** What the simulator says a scrape at this instant must contain, per namespace/pod/container. */
    private record Expected(long cumulativeCpuNanos, long workingSetBytes, long sampleMillis, long startMillis) {
    }

    private static Map<String, Expected> truthNow(SimNode node) {
        Map<String, Expected> truth = new HashMap<>();
        for (SimPod pod : node.pods()) {
            for (SimContainer c : pod.containers()) {
                if (c.sampleTime().isPresent()) {
                    truth.put(pod.namespace() + "/" + pod.name() + "/" + c.name(), new Expected(
                            c.cumulativeCpuNanos(), c.trueMemoryWorkingSetBytes(),
                            c.sampleTime().get().toEpochMilli(), c.startTime().get().toEpochMilli()));
                }
            }
        }
        return truth;
    }

    @Test
    void node_scrapes_of_three_kubelets_carry_the_simulators_truth() throws Exception {
        Topics topics = broker.createUniqueTopics(3);
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(3).podsPerNode(25).seed(11).clock(clock)
                .token(CollectorFixture.TOKEN).wholeSecondSamples(true).build().start()) {
            SimNode first = sim.nodes().get(0);
            first.pods().get(3).setPhase(PodPhase.SUCCEEDED);
            Map<String, String> env = CollectorFixture.env(sim, broker, topics, dir);
            env.put("KUBELET_SOURCE", "both");
            Map<String, Map<String, Expected>> truth1 = new HashMap<>();
            Map<String, Map<String, Expected>> truth2 = new HashMap<>();
            try (CollectorApp collector = CollectorFixture.collector(env, clock)) {
                clock.advance(Duration.ofSeconds(30));
                collector.scrapeOnce();
                sim.nodes().forEach(n -> truth1.put(n.name(), truthNow(n)));
                clock.advance(Duration.ofSeconds(15));
                collector.scrapeOnce();
                sim.nodes().forEach(n -> truth2.put(n.name(), truthNow(n)));
                await().atMost(PATIENCE).until(() -> collector.publisher().sentCount() == 6);
            }

            List<ConsumerRecord<String, NodeScrape>> records = broker.readAtLeast(topics.kubeletScrapes(), 6,
                    PATIENCE);
            assertEquals(6, records.size());
            Map<String, List<NodeScrape>> byNode = new HashMap<>();
            for (ConsumerRecord<String, NodeScrape> record : records) {
                assertEquals(record.key(), record.value().getNodeName(), "keyed by node");
                byNode.computeIfAbsent(record.key(), k -> new java.util.ArrayList<>()).add(record.value());
            }
            for (SimNode node : sim.nodes()) {
                List<NodeScrape> scrapes = byNode.get(node.name());
                assertEquals(2, scrapes.size(), node.name());
                assertTrue(scrapes.get(0).getScrapeTimeMillis() < scrapes.get(1).getScrapeTimeMillis());
                assertMatches(truth1.get(node.name()), scrapes.get(0), node);
                assertMatches(truth2.get(node.name()), scrapes.get(1), node);
                assertRatesAreTheTrueRates(scrapes.get(0), scrapes.get(1), node);
            }
        }
    }

    private static void assertMatches(Map<String, Expected> truth, NodeScrape scrape, SimNode node) {
        assertEquals(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY, scrape.getSource());
        // a completed pod is no longer in the kubelet's stats (the simulator behaves like the kubelet here)
        assertEquals(node.pods().stream().filter(p -> p.phase() != PodPhase.SUCCEEDED).count(),
                scrape.getPods().size());
        int checked = 0;
        for (PodSample pod : scrape.getPods()) {
            SimPod simPod = node.pod(pod.getNamespace(), pod.getName());
            assertEquals(simPod.uid(), pod.getUid());
            assertEquals(simPod.phase().wireName(), pod.getPhase());
            assertEquals(simPod.labels(), pod.getLabels());
            for (ContainerSample c : pod.getContainers()) {
                Expected expected = truth.get(pod.getNamespace() + "/" + pod.getName() + "/" + c.getName());
                if (expected == null) {
                    continue; // e.g. an init container the summary lists without samples of its own
                }
                assertEquals(expected.cumulativeCpuNanos(), c.getCumulativeCpuNanos(), 1.0, c.getName());
                assertEquals(expected.workingSetBytes(), c.getMemoryWorkingSetBytes(), c.getName());
                assertEquals(expected.sampleMillis(), c.getCpuTimestampMillis(), c.getName());
                assertEquals(expected.startMillis() / 1000, c.getStartTimeMillis() / 1000, c.getName());
                checked++;
            }
        }
        assertEquals(truth.size(), checked, "every running container of " + node.name() + " was compared");
        assertNotNull(scrape.getNode().getNetworkRxBytes(), "summary-only node fields are merged in");
    }

    /** What the aggregator will compute from two consecutive records is the rate the simulator was set to. */
    private static void assertRatesAreTheTrueRates(NodeScrape before, NodeScrape after, SimNode node) {
        Map<String, ContainerSample> earlier = new HashMap<>();
        before.getPods().forEach(p -> p.getContainers().forEach(c -> earlier.put(p.getName() + "/" + c.getName(), c)));
        int rates = 0;
        for (PodSample pod : after.getPods()) {
            for (ContainerSample c : pod.getContainers()) {
                ContainerSample b = earlier.get(pod.getName() + "/" + c.getName());
                if (b == null || b.getCumulativeCpuNanos() == null || c.getCumulativeCpuNanos() == null
                        || c.getCpuTimestampMillis().equals(b.getCpuTimestampMillis())) {
                    continue;
                }
                double nanocores = (c.getCumulativeCpuNanos() - b.getCumulativeCpuNanos()) * 1000.0
                        / (c.getCpuTimestampMillis() - b.getCpuTimestampMillis());
                long truth = node.pod(pod.getNamespace(), pod.getName()).container(c.getName()).trueCpuNanocores();
                assertEquals(truth, nanocores, Math.max(1000, truth * 1e-4), pod.getName() + "/" + c.getName());
                rates++;
            }
        }
        assertTrue(rates > 10, "rates compared: " + rates);
    }

    @Test
    void the_running_loop_publishes_and_the_ops_port_reports_ready_and_its_metrics() throws Exception {
        Topics topics = broker.createUniqueTopics(1);
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(10)
                .token(CollectorFixture.TOKEN).build().start()) {
            Map<String, String> env = CollectorFixture.env(sim, broker, topics, dir);
            env.put("OPS_PORT", "0");
            env.put("OPS_HOST", "127.0.0.1");
            try (CollectorApp collector = CollectorApp.start(CollectorConfig.from(env), CollectorApp.Deps.production()
                    .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.after(Duration.ZERO)))) {
                HttpClient http = HttpClient.newHttpClient();
                URI ops = URI.create("http://127.0.0.1:" + collector.opsPort());
                assertEquals(200, get(http, ops.resolve("/livez")).statusCode());

                await().atMost(PATIENCE).until(() -> get(http, ops.resolve("/readyz")).statusCode() == 200);

                String metrics = get(http, ops.resolve("/metrics")).body();
                assertTrue(metrics.contains("collector_records_sent_total 1.0"), metrics);
                assertTrue(metrics.contains("collector_scrape_duration_seconds_count 1"), metrics);
                assertTrue(metrics.contains("collector_last_successful_scrape_timestamp_seconds"), metrics);
            }
            assertEquals(1, broker.readAtLeast(topics.kubeletScrapes(), 1, PATIENCE).size());
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
