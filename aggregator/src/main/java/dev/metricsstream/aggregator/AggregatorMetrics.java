package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.scrape.NotPublished;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;

/**
 * The aggregator's own counters (Kafka Streams' metrics are exported beside them by {@link StreamsMetricsCollector}).
 * Labels are small fixed sets (reason, kind), never node or pod names.
 */
public final class AggregatorMetrics {
    /*
     * Every label value below starts at 0, so Prometheus's first sample of a series is 0 and increase()/rate() (the
     * dead-letter alert) see the first event rather than only the second.
     */
    public static final List<String> SCRAPE_OUTCOMES = List.of("applied", "replay");
    public static final List<String> DEAD_LETTER_STAGES = List.of("deserialization", "processing");
    public static final List<String> TOMBSTONE_KINDS = List.of("node", "pod");
    public static final List<String> TOMBSTONE_CAUSES = List.of("missing", "stale");
    public static final List<String> POD_NOT_PUBLISHED_REASONS = Arrays.stream(NotPublished.Reason.values())
            .map(NotPublished.Reason::label).toList();

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
        SCRAPE_OUTCOMES.forEach(outcome -> scrapes.initLabelValues(outcome));
        DEAD_LETTER_STAGES.forEach(stage -> deadLetters.initLabelValues(stage));
        for (String kind : TOMBSTONE_KINDS) {
            TOMBSTONE_CAUSES.forEach(cause -> tombstones.initLabelValues(kind, cause));
        }
        POD_NOT_PUBLISHED_REASONS.forEach(reason -> podsNotPublished.initLabelValues(reason));
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

    void podNotPublished(NotPublished.Reason reason) {
        podsNotPublished.labelValues(reason.label()).inc();
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

    public double podsNotPublishedCount(String reason) {
        return podsNotPublished.labelValues(reason).get();
    }

    public double scrapeCount(String outcome) {
        return scrapes.labelValues(outcome).get();
    }
}
