package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.NodeScrape;
import java.util.Objects;

/**
 * What one kubelet endpoint yielded: a (possibly partial) {@link NodeScrape}, the lines or entries that were skipped,
 * and, when the scrape as a whole is unusable, why ({@code failureReason}, null when usable).
 */
public record DecodeResult(NodeScrape scrape, ParseProblems problems, String failureReason) {
    public DecodeResult {
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(problems, "problems");
    }

    public boolean usable() {
        return failureReason == null;
    }
}
