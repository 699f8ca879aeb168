package dev.metricsstream.aggregator;

/** A scrape that decoded but cannot be applied (e.g. keyed by another node than it describes). */
public final class InvalidScrapeException extends RuntimeException {

    private final String reason;

    public InvalidScrapeException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Stable label for logs and the dead-letter header. */
    public String reason() {
        return reason;
    }
}
