package dev.metricsstream.aggregator;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The aggregator's own counters (Kafka Streams' metrics are exported beside them by {@link StreamsMetricsCollector}).
 * Labels are small fixed sets (reason, kind), never node or pod names.
 */
public final class AggregatorMetrics {

    private final Counter scrapes;
    private final Counter deadLetters;
    private final Counter tombstones;
    private final Counter podsNotPublished;
    private final Counter lateWindowSamples;

    public AggregatorMetrics(PrometheusRegistry registry) {
        scrapes = Counter.builder().name("metrics_stream_aggregator_scrapes_total")
                .help("Node scrapes read, by outcome (applied, replay: not newer than the last one applied).")
                .labelNames("outcome").register(registry);
        deadLetters = Counter.builder().name("metrics_stream_aggregator_dead_letters_total")
                .help("Records sent to the dead-letter topic, by stage (deserialization, processing).")
                .labelNames("stage").register(registry);
        tombstones = Counter.builder().name("metrics_stream_aggregator_tombstones_total")
                .help("Tombstones published, by kind (node, pod) and cause (missing: absent from the newest scrape "
                        + "or not Running; stale: no scrape within the staleness bound).")
                .labelNames("kind", "cause").register(registry);
        podsNotPublished = Counter.builder().name("metrics_stream_aggregator_pods_not_published_total")
                .help("Pods in a scrape that were not published, by reason (incomplete, not_running, "
                        + "no_container, duplicate).")
                .labelNames("reason").register(registry);
        lateWindowSamples = Counter.builder().name("metrics_stream_aggregator_window_samples_late_total")
                .help("Published samples that arrived after their window had closed (node watermark past window end "
                        + "+ WINDOW_GRACE), counted once per window size they missed.")
                .register(registry);
    }

    /** Counters registered nowhere, for tests and tools that do not export metrics. */
    public static AggregatorMetrics unregistered() {
        return new AggregatorMetrics(new PrometheusRegistry());
    }

    void scrape(String outcome) {
        scrapes.labelValues(outcome).inc();
    }

    void deadLetter(String stage) {
        deadLetters.labelValues(stage).inc();
    }

    void tombstone(String kind, String cause) {
        tombstones.labelValues(kind, cause).inc();
    }

    void podNotPublished(String reason) {
        podsNotPublished.labelValues(reason).inc();
    }

    void lateWindowSamples(int windows) {
        lateWindowSamples.inc(windows);
    }

    public double lateWindowSampleCount() {
        return lateWindowSamples.get();
    }

    public double deadLetterCount() {
        return deadLetters.labelValues("deserialization").get() + deadLetters.labelValues("processing").get();
    }

    public double tombstoneCount(String kind, String cause) {
        return tombstones.labelValues(kind, cause).get();
    }

    public double scrapeCount(String outcome) {
        return scrapes.labelValues(outcome).get();
    }
}
