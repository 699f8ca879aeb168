package dev.metricsstream.collector.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kafka.KafkaBrokerExtension;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Kafka goes away while the collector keeps scraping: within the buffer bound nothing is lost, reordered or doubled. */
@ExtendWith(KafkaBrokerExtension.class)
class PublisherOutageIT {
    private static final Duration RESOLUTION = Duration.ofSeconds(15);
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private final KafkaBroker broker;
    @TempDir
    Path dir;

    PublisherOutageIT(KafkaBroker broker) {
        this.broker = broker;
    }

    /** Outlasting the producer's own delivery timeout exercises the re-queue path, not just producer retries. */
    private static Map<String, String> shortDeliveryTimeout(Map<String, String> env) {
        env.put("KAFKA_DELIVERY_TIMEOUT_MS", "3000");
        env.put("KAFKA_REQUEST_TIMEOUT_MS", "1000");
        env.put("KAFKA_LINGER_MS", "0");
        env.put("KAFKA_MAX_BLOCK_MS", "1000");
        return env;
    }

    private List<Long> scrapeTimes(Topics topics, int expected) {
        List<ConsumerRecord<String, NodeScrape>> records = broker.readAtLeast(topics.kubeletScrapes(), expected,
                PATIENCE);
        List<Long> times = new ArrayList<>();
        for (ConsumerRecord<String, NodeScrape> record : records) {
            assertEquals(record.key(), record.value().getNodeName());
            times.add(record.value().getScrapeTimeMillis());
        }
        return times;
    }

    private static List<Long> scrapeEvery15s(CollectorApp collector, SimClock clock, int times)
            throws InterruptedException {
        List<Long> scraped = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            clock.advance(RESOLUTION);
            scraped.add(clock.millis());
            collector.scrapeOnce();
        }
        return scraped;
    }

    @Test
    void scrapes_taken_while_kafka_is_down_arrive_once_and_in_order_after_it_returns() throws Exception {
        assumeTrue(broker.supportsRestart(), "needs a broker that can stop and restart: " + broker.description());
        Topics topics = broker.createUniqueTopics(1);
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(20).clock(clock)
                .token(CollectorFixture.TOKEN).build().start();
                CollectorApp collector = CollectorFixture.collector(shortDeliveryTimeout(
                        CollectorFixture.env(sim, broker, topics, dir)), clock)) {
            List<Long> expected = new ArrayList<>(scrapeEvery15s(collector, clock, 2));
            await().atMost(PATIENCE).until(() -> collector.publisher().sentCount() == 2);

            broker.stop();
            try {
                expected.addAll(scrapeEvery15s(collector, clock, 5));
                assertEquals(5, collector.publisher().buffered(), "all five wait: the loop went on scraping");
                // the producer gives the in-flight record up: it goes back to the head of the buffer
                await().atMost(PATIENCE).until(() -> collector.publisher().failedSendCount() >= 1);
                assertEquals(5, collector.publisher().buffered());
            } finally {
                broker.restart();
            }

            await().atMost(PATIENCE).until(() -> collector.publisher().buffered() == 0);
            assertEquals(7, collector.publisher().sentCount());
            assertEquals(0, collector.publisher().droppedCount());
            assertEquals(expected, scrapeTimes(topics, 7), "every scrape once, in scrape order");
        }
    }

    @Test
    void beyond_the_buffer_bound_the_oldest_waiting_scrapes_are_dropped_and_counted() throws Exception {
        assumeTrue(broker.supportsRestart(), "needs a broker that can stop and restart: " + broker.description());
        Topics topics = broker.createUniqueTopics(1);
        SimClock clock = SimClock.fixed();
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(5).clock(clock)
                .token(CollectorFixture.TOKEN).build().start()) {
            Map<String, String> env = CollectorFixture.env(sim, broker, topics, dir);
            env.put("BUFFER_SCRAPES", "3");
            try (CollectorApp collector = CollectorFixture.collector(env, clock)) {
                scrapeEvery15s(collector, clock, 1);
                await().atMost(PATIENCE).until(() -> collector.publisher().sentCount() == 1);

                broker.stop();
                List<Long> during;
                try {
                    during = scrapeEvery15s(collector, clock, 6);
                    assertEquals(3, collector.publisher().buffered());
                    assertEquals(3, collector.publisher().droppedCount());
                } finally {
                    broker.restart();
                }

                await().atMost(PATIENCE).until(() -> collector.publisher().buffered() == 0);
                List<Long> times = scrapeTimes(topics, 4);
                // the first scrape of the outage was already handed to the producer; the newest two were kept
                assertEquals(List.of(during.get(0), during.get(4), during.get(5)), times.subList(1, 4));
                assertEquals(4, times.size());
            }
        }
    }
}
