package dev.metricsstream.aggregator.rate;

import java.time.Duration;

/**
 * metrics-server's CPU-rate rule ({@code pkg/storage}: {@code podStorage.Store}, {@code nodeStorage.Store},
 * {@code resourceUsage}) as one pure function from (stored points, new point) to an explicit outcome.
 *
 * <p>CPU = (cumulative₂ − cumulative₁) / (t₂ − t₁) seconds, computed in double precision and truncated to whole
 * nanocores, exactly as Go's {@code uint64(float64(Δ) / window.Seconds())}; window = t₂ − t₁; memory = the newer
 * working set.
 */
public final class RateRule {

    /** metrics-server's {@code freshContainerMinMetricsResolution}: younger containers give too noisy a rate. */
    public static final Duration FRESH_CONTAINER_MIN_AGE = Duration.ofSeconds(10);

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private RateRule() {
    }

    /**
     * A container's new point ({@code podStorage.Store}): fresh-container baseline first, then restart detection by
     * start time, then the node rule.
     *
     * @param stored     the points remembered for this container, or null when none
     * @param incoming   the new point
     * @param resolution the scrape interval ({@code --metric-resolution})
     */
    public static RateOutcome container(StoredPoints stored, MetricsPoint incoming, Duration resolution) {
        long ageMillis = incoming.timestampMillis() - incoming.startTimeMillis();
        if (incoming.startTimeMillis() < incoming.timestampMillis()
                && ageMillis < resolution.toMillis()
                && ageMillis >= FRESH_CONTAINER_MIN_AGE.toMillis()) {
            StoredPoints points = new StoredPoints(incoming.startOfLife(), incoming);
            return usage(points)
                    .<RateOutcome>map(usage -> new RateOutcome.FreshContainerBaseline(points, usage))
                    .orElseGet(() -> failed(points));
        }
        if (stored == null) {
            return new RateOutcome.FirstPoint(StoredPoints.only(incoming));
        }
        if (incoming.startTimeMillis() >= stored.last().timestampMillis()) {
            return new RateOutcome.StartedOver(StoredPoints.only(incoming));
        }
        return node(stored, incoming);
    }

    /**
     * A node's new point ({@code nodeStorage.Store}); also the tail of the container rule. Nodes have no
     * fresh-start or start-time restart rule in metrics-server: a rebooted node shows as a decreasing counter.
     */
    public static RateOutcome node(StoredPoints stored, MetricsPoint incoming) {
        if (stored == null) {
            return new RateOutcome.FirstPoint(StoredPoints.only(incoming));
        }
        MetricsPoint last = stored.last();
        if (incoming.timestampMillis() > last.timestampMillis()) {
            StoredPoints points = new StoredPoints(last, incoming);
            return usage(points)
                    .<RateOutcome>map(usage -> new RateOutcome.Rate(points, usage))
                    .orElseGet(() -> failed(points));
        }
        MetricsPoint previous = stored.previous();
        if (previous != null && previous.timestampMillis() < incoming.timestampMillis()) {
            StoredPoints points = new StoredPoints(previous, incoming);
            return usage(points)
                    .<RateOutcome>map(usage -> new RateOutcome.NotNewerKeptPrevious(points, usage))
                    .orElseGet(() -> new RateOutcome.NotNewerDroppedPrevious(StoredPoints.only(incoming)));
        }
        return new RateOutcome.NotNewerDroppedPrevious(StoredPoints.only(incoming));
    }

    /** metrics-server's {@code resourceUsage(last, prev)}; empty where it returns an error. */
    public static java.util.Optional<Usage> usage(StoredPoints points) {
        MetricsPoint prev = points.previous();
        MetricsPoint last = points.last();
        if (last.startTimeMillis() < prev.startTimeMillis()
                || last.cumulativeCpuNanos() < prev.cumulativeCpuNanos()) {
            return java.util.Optional.empty();
        }
        long windowNanos = (last.timestampMillis() - prev.timestampMillis()) * NANOS_PER_MILLI;
        long cpuNanocores = cpuNanocores(last.cumulativeCpuNanos() - prev.cumulativeCpuNanos(), windowNanos);
        return java.util.Optional.of(new Usage(cpuNanocores, last.memoryWorkingSetBytes(), last.timestampMillis(),
                windowNanos));
    }

    /** {@code uint64(float64(delta) / window.Seconds())}, with Go's {@code Duration.Seconds()} split. */
    static long cpuNanocores(long deltaCpuNanos, long windowNanos) {
        double seconds = (double) (windowNanos / NANOS_PER_SECOND)
                + (double) (windowNanos % NANOS_PER_SECOND) / 1e9;
        return (long) ((double) deltaCpuNanos / seconds);
    }

    private static RateOutcome failed(StoredPoints points) {
        return points.last().startTimeMillis() < points.previous().startTimeMillis()
                ? new RateOutcome.StartTimeDecreased(points)
                : new RateOutcome.CounterDecreased(points);
    }
}
