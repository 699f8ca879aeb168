package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.NodeScrape;

/** Small helper that pairs a built scrape with the problems counted while decoding it. */
final class ScrapeResultBuilder {
    private final ParseProblems problems;

    ScrapeResultBuilder(ParseProblems problems) {
        this.problems = problems;
    }

    DecodeResult ok(NodeScrape scrape) {
        return new DecodeResult(scrape, problems, null);
    }

    DecodeResult failed(NodeScrape scrape, String reason) {
        return new DecodeResult(scrape, problems, reason);
    }
}
