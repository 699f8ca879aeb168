package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.parse.DecodeResult;

/** One kubelet endpoint: what it returns for a target, decoded into a partial NodeScrape. */
public interface KubeletSource {
    /** The stable name used in logs and metrics ({@code metrics-resource}, {@code stats-summary}, ...). */
    String name();

    /** Which {@link ScrapeSource} the records carry when this endpoint alone was read. */
    ScrapeSource kind();

    DecodeResult fetch(ScrapeTarget target, long requestTimeMillis) throws ScrapeException;
}
