package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.CollectorMetrics;
import dev.metricsstream.collector.metadata.MetadataEnricher;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.metadata.NodeMetadata;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ScrapeMerger;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one kubelet once: the primary endpoint (must succeed), then any secondary endpoint (merged in when it
 * succeeds, counted and left out when it fails), then metadata (attached when available, counted when not).
 */
public final class NodeScraper {
    private static final Logger LOG = LoggerFactory.getLogger(NodeScraper.class);
    private final List<KubeletSource> sources;
    private final MetadataSource metadata;
    private final CollectorMetrics metrics;

    public NodeScraper(List<KubeletSource> sources, MetadataSource metadata, CollectorMetrics metrics) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("at least one kubelet source");
        }
        this.sources = List.copyOf(sources);
        this.metadata = metadata;
        this.metrics = metrics;
    }

    public String primarySourceName() {
        return sources.get(0).name();
    }

    public NodeScrape scrape(ScrapeTarget target, long requestTimeMillis) throws ScrapeException {
        KubeletSource primary = sources.get(0);
        NodeScrape scrape = usable(primary, target, primary.fetch(target, requestTimeMillis));
        for (KubeletSource secondary : sources.subList(1, sources.size())) {
            try {
                NodeScrape extra = usable(secondary, target, secondary.fetch(target, requestTimeMillis));
                scrape = ScrapeMerger.merge(scrape, extra, ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY);
            } catch (ScrapeException e) {
                metrics.sourceFailed(secondary.name(), e.reason());
                LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", secondary.name())
                        .addKeyValue("reason", e.reason())
                        .log("secondary endpoint failed, publishing the primary alone: {}", e.getMessage());
            }
        }
        attachMetadata(target, scrape);
        return scrape;
    }

    private NodeScrape usable(KubeletSource source, ScrapeTarget target, DecodeResult result)
            throws ScrapeException {
        if (!result.problems().isEmpty()) {
            metrics.parseProblems(source.name(), result.problems());
            LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", source.name())
                    .addKeyValue("reason", result.problems().byReason().keySet().iterator().next())
                    .log("skipped {} bad lines or entries {}; first: {}", result.problems().total(),
                            result.problems().byReason(), result.problems().firstExample());
        }
        if (!result.usable()) {
            throw new ScrapeException(result.failureReason(),
                    source.name() + " of " + target.nodeName() + " unusable: " + result.failureReason());
        }
        return result.scrape();
    }

    private void attachMetadata(ScrapeTarget target, NodeScrape scrape) {
        NodeMetadata known;
        try {
            known = metadata.metadataFor(target);
        } catch (ScrapeException | RuntimeException e) {
            String reason = e instanceof ScrapeException se ? se.reason() : "unexpected_error";
            metrics.metadataFailed(reason);
            LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", metadata.name())
                    .addKeyValue("reason", reason).log("publishing without pod metadata: {}", e.toString());
            return;
        }
        MetadataEnricher.apply(scrape, known);
    }
}
