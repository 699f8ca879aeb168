package dev.metricsstream.aggregator;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The aggregator topology ({@link AggregatorTopology#build}) in a {@link TopologyTestDriver}, configured like
 * production from settings, with input and output topics that use the declared serdes: what the topology tests
 * share.
 */
final class TopologyFixture implements AutoCloseable {

    final Topics topics;
    final AggregatorMetrics metrics = AggregatorMetrics.unregistered();
    final TopologyTestDriver driver;
    final TestInputTopic<String, NodeScrape> scrapes;

    /**
     * @param settings   aggregator settings as the environment gives them ({@code STATE_DIR} is set to {@code stateDir})
     * @param wallClock  the driver's wall clock at start
     */
    TopologyFixture(Topics topics, Path stateDir, Instant wallClock, Map<String, String> settings) {
        this.topics = topics;
        Map<String, String> env = new HashMap<>(settings);
        env.put("STATE_DIR", stateDir.toString());
        AggregatorConfig config = AggregatorConfig.from(env);
        driver = new TopologyTestDriver(AggregatorTopology.build(topics, config, metrics),
                AggregatorTopology.streamsProperties(topics, config, metrics), wallClock);
        scrapes = driver.createInputTopic(topics.kubeletScrapes().name(),
                topics.kubeletScrapes().keySerde().serializer(), topics.kubeletScrapes().valueSerde().serializer());
    }

    /** Reads what the topology writes to {@code topic}. */
    <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }

    /** A scrape as the collector publishes it: keyed by node, timestamped with the scrape time. */
    void pipe(NodeScrape scrape) {
        scrapes.pipeInput(scrape.getNodeName(), scrape, scrape.getScrapeTimeMillis());
    }

    @Override
    public void close() {
        driver.close();
    }
}
