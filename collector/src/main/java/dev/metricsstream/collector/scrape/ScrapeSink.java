package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.NodeScrape;

/** Where finished scrapes go (the Kafka publisher in production). Must not block the scrape loop. */
@FunctionalInterface
public interface ScrapeSink {
    void publish(NodeScrape scrape);
}
