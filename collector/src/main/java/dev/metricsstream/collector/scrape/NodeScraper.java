package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.MetadataEnricher;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.metadata.NodeMetadata;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ScrapeMerger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one kubelet once: the primary endpoint (must succeed), any secondary endpoint (merged in when it
 * succeeds, counted and left out when it fails) and metadata (attached when available, counted when not).
 */
public final class NodeScraper {
    private static final Logger LOG = LoggerFactory.getLogger(NodeScraper.class);
    /** Runs the secondary requests of scrapes; idle threads end after a minute. */
    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(
            ScrapeLoop.daemonThreads("scrape-helper"));
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

    /**
     * The secondary endpoints and the metadata are requested in parallel with the primary endpoint, so one scrape
     * takes about one request time (each bounded by the request timeout), not the sum of them.
     */
    public NodeScrape scrape(ScrapeTarget target, long requestTimeMillis) throws ScrapeException {
        List<CompletableFuture<DecodeResult>> extras = new ArrayList<>();
        for (KubeletSource secondary : sources.subList(1, sources.size())) {
            extras.add(CompletableFuture.supplyAsync(() -> fetch(secondary, target, requestTimeMillis), HELPERS));
        }
        CompletableFuture<NodeMetadata> known = CompletableFuture.supplyAsync(() -> metadata(target), HELPERS);
        KubeletSource primary = sources.get(0);
        NodeScrape scrape = usable(primary, target, primary.fetch(target, requestTimeMillis));
        for (int i = 0; i < extras.size(); i++) {
            KubeletSource secondary = sources.get(i + 1);
            try {
                NodeScrape extra = usable(secondary, target, await(extras.get(i)));
                scrape = ScrapeMerger.merge(scrape, extra, ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY);
            } catch (ScrapeException e) {
                metrics.sourceFailed(secondary.name(), e.reason());
                LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", secondary.name())
                        .addKeyValue("reason", e.reason())
                        .log("secondary endpoint failed, publishing the primary alone: {}", e.getMessage());
            }
        }
        attachMetadata(target, scrape, known);
        return scrape;
    }

    private static DecodeResult fetch(KubeletSource source, ScrapeTarget target, long requestTimeMillis) {
        try {
            return source.fetch(target, requestTimeMillis);
        } catch (ScrapeException e) {
            throw new CompletionException(e);
        }
    }

    private NodeMetadata metadata(ScrapeTarget target) {
        try {
            return metadata.metadataFor(target);
        } catch (ScrapeException e) {
            throw new CompletionException(e);
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws ScrapeException {
        try {
            return future.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ScrapeException se) {
                throw se;
            }
            throw new ScrapeException("unexpected_error", cause.toString(), cause);
        }
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

    private void attachMetadata(ScrapeTarget target, NodeScrape scrape, CompletableFuture<NodeMetadata> future) {
        NodeMetadata known;
        try {
            known = await(future);
        } catch (ScrapeException e) {
            metrics.metadataFailed(e.reason());
            LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", metadata.name())
                    .addKeyValue("reason", e.reason()).log("publishing without pod metadata: {}", e.getMessage());
            return;
        }
        MetadataEnricher.apply(scrape, known);
    }
}
