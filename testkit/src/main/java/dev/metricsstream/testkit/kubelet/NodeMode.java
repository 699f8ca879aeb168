package dev.metricsstream.testkit.kubelet;

/** How a simulated kubelet answers; switch at any time with {@link SimNode#setMode(NodeMode)}. */
public enum NodeMode {
    /** Normal answers. */
    OK,
    /**
     * Accepts connections and reads requests but never answers (a hung kubelet): a client times out. Requests held
     * are answered normally once the mode changes back, and dropped when the simulator closes.
     */
    SILENT,
    /** Not listening: connections are refused. The port is bound again (same port) when the mode changes. */
    DOWN,
    /** {@code /metrics/resource}, {@code /stats/summary} and {@code /pods} answer HTTP 500 {@code Internal Error: ...}. */
    HTTP_500,
    /**
     * The kubelet could not get the summary: {@code /metrics/resource} answers 200 with only the scrape-error family
     * set to 1 ({@code resource_scrape_error 1} / {@code scrape_error 1}, by format); {@code /stats/summary} answers
     * 500; {@code /pods} is unaffected.
     */
    SCRAPE_ERROR,
    /** {@code /metrics/resource} and {@code /stats/summary} answer 200 with the body cut in the middle of a line. */
    TRUNCATED,
    /** {@code /metrics/resource} and {@code /stats/summary} answer 200 with deterministic binary/text garbage. */
    GARBAGE
}
