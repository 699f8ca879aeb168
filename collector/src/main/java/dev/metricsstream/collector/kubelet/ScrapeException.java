package dev.metricsstream.collector.kubelet;

/** A scrape that failed as a whole, with a stable {@code reason} for metrics and logs. */
public final class ScrapeException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public ScrapeException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ScrapeException(String reason, String message) {
        this(reason, message, null);
    }

    public String reason() {
        return reason;
    }
}
