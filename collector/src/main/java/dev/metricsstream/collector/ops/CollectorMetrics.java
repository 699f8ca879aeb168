package dev.metricsstream.collector.ops;

import dev.metricsstream.collector.parse.ParseProblems;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.util.List;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The collector's own Prometheus metrics. One instance per process (or per test).
 *
 * <p>Every labelled counter starts with each known label value at 0, so that Prometheus's first sample is 0 and
 * {@code increase()}/{@code rate()} (the alerts) see the first failure, not only the second. The known values are
 * listed here; {@code KnownLabelValuesTest} checks that the code raises no reason missing from these lists.
 */
public final class CollectorMetrics {
    /** {@code collector_scrapes_total{result}}. */
    public static final List<String> SCRAPE_RESULTS = List.of("success", "failure", "skipped");
    /** Why a request to the kubelet failed ({@code KubeletHttp}): scrape and metadata errors alike. */
    public static final List<String> TRANSPORT_ERROR_REASONS = List.of("http_401", "http_403", "http_404",
            "http_500", "http_503", "timeout", "interrupted", "cancelled", "tls", "connection_refused",
            "invalid_json", "io_error", "response_too_large", "unexpected_error");
    /** Why a decoded response was unusable as a whole ({@code DecodeResult.failureReason()}). */
    public static final List<String> DECODE_FAILURE_REASONS = List.of("kubelet_scrape_error", "truncated_response",
            "empty_response", "no_samples", "invalid_summary", "invalid_json");
    /** {@code collector_scrape_errors_total{source="loop", reason}}: a tick that could not scrape a target. */
    public static final String LOOP_SOURCE = "loop";
    public static final List<String> LOOP_ERROR_REASONS = List.of("previous_scrape_running");
    /** {@code collector_parse_problems_total{source, reason}}, by kubelet source name. */
    public static final Map<String, List<String>> PARSE_PROBLEM_REASONS = Map.of(
            "metrics-resource", List.of("line_too_long", "invalid_metric_name", "truncated_line", "invalid_value",
                    "invalid_timestamp", "trailing_garbage", "missing_label", "value_out_of_range",
                    "invalid_start_time", "truncated_response"),
            "stats-summary", List.of("invalid_json", "invalid_summary", "missing_pod_ref", "trailing_garbage",
                    "node_name_mismatch", "missing_container_name", "invalid_timestamp"));
    /** {@code collector_metadata_errors_total{reason}}: an informer not synced yet, or the kubelet's /pods failing. */
    public static final List<String> METADATA_ERROR_REASONS = concat(List.of("metadata_not_synced"),
            TRANSPORT_ERROR_REASONS);

    private final Histogram scrapeDuration;
    private final Counter scrapes;
    private final Counter scrapeErrors;
    private final Counter parseProblems;
    private final Counter metadataErrors;
    private final Counter recordsSent;
    private final Counter recordsDropped;
    private final Gauge recordsBuffered;
    private final Gauge lastSuccess;
    private final Gauge cycleDuration;
    private final Gauge targets;
    /** Per target node: wall-clock millis of its last successful scrape, 0 while it has had none. */
    private final Map<String, Long> targetLastSuccessMillis = new ConcurrentHashMap<>();

    public CollectorMetrics(PrometheusRegistry registry) {
        scrapeDuration = Histogram.builder().name("collector_scrape_duration_seconds")
                .help("Time to scrape one kubelet (all configured endpoints, decode and metadata)")
                .classicOnly().classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        scrapes = Counter.builder().name("collector_scrapes_total")
                .help("Kubelet scrapes by result (success, failure, skipped)").labelNames("result").register(registry);
        scrapeErrors = Counter.builder().name("collector_scrape_errors_total")
                .help("Failed kubelet scrapes by reason").labelNames("source", "reason").register(registry);
        parseProblems = Counter.builder().name("collector_parse_problems_total")
                .help("Lines or entries skipped while decoding kubelet responses, by reason")
                .labelNames("source", "reason").register(registry);
        metadataErrors = Counter.builder().name("collector_metadata_errors_total")
                .help("Scrapes published without metadata because the metadata source failed")
                .labelNames("reason").register(registry);
        recordsSent = Counter.builder().name("collector_records_sent_total")
                .help("NodeScrape records acknowledged by Kafka").register(registry);
        recordsDropped = Counter.builder().name("collector_records_dropped_total")
                .help("NodeScrape records dropped because the buffer was full while Kafka was unavailable")
                .register(registry);
        recordsBuffered = Gauge.builder().name("collector_records_buffered")
                .help("NodeScrape records waiting to be acknowledged by Kafka").register(registry);
        lastSuccess = Gauge.builder().name("collector_last_successful_scrape_timestamp_seconds")
                .help("Unix time of the last successful kubelet scrape").register(registry);
        cycleDuration = Gauge.builder().name("collector_scrape_cycle_duration_seconds")
                .help("Time from a tick until the last scrape started by it finished (pool mode: keep well below "
                        + "the resolution)").register(registry);
        targets = Gauge.builder().name("collector_targets")
                .help("Kubelets this collector scrapes (its share in pool mode)").register(registry);
        SCRAPE_RESULTS.forEach(result -> scrapes.initLabelValues(result));
        LOOP_ERROR_REASONS.forEach(reason -> scrapeErrors.initLabelValues(LOOP_SOURCE, reason));
        METADATA_ERROR_REASONS.forEach(reason -> metadataErrors.initLabelValues(reason));
        // collected at exposition time from the map: one series per current target, none for nodes that left
        GaugeWithCallback.builder().name("collector_target_last_successful_scrape_timestamp_seconds")
                .help("Unix time of the last successful scrape of each kubelet this collector scrapes (0 = none "
                        + "yet); one series per node of its share, removed when the node leaves it")
                .labelNames("node")
                .callback(callback -> targetLastSuccessMillis.forEach(
                        (node, millis) -> callback.call(millis / 1000.0, node)))
                .register(registry);
    }

    /** Starts the per-source counters of these kubelet sources (their {@code name()}s) at 0. */
    public CollectorMetrics initializeSources(List<String> sourceNames) {
        for (String source : sourceNames) {
            for (String reason : scrapeErrorReasons()) {
                scrapeErrors.initLabelValues(source, reason);
            }
            for (String reason : PARSE_PROBLEM_REASONS.getOrDefault(source, List.of())) {
                parseProblems.initLabelValues(source, reason);
            }
        }
        return this;
    }

    /** Every reason a source's scrape can fail with: transport, then decoding. */
    public static List<String> scrapeErrorReasons() {
        return concat(TRANSPORT_ERROR_REASONS, DECODE_FAILURE_REASONS);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /**
     * The targets of this tick: nodes new to the share get a series (0 until their first success), nodes that left
     * it lose theirs, so the per-node series stay bounded by the share.
     */
    public void targetsAre(Collection<String> nodeNames) {
        Set<String> current = new HashSet<>(nodeNames);
        targetLastSuccessMillis.keySet().retainAll(current);
        for (String node : current) {
            targetLastSuccessMillis.putIfAbsent(node, 0L);
        }
    }

    public void cycleFinished(double seconds, int targetCount) {
        cycleDuration.set(seconds);
        targets.set(targetCount);
    }

    public void scrapeSucceeded(String nodeName, double seconds, long nowMillis) {
        scrapeDuration.observe(seconds);
        scrapes.labelValues("success").inc();
        lastSuccess.set(nowMillis / 1000.0);
        // only for nodes still in the share (a scrape finishing after its node left must not bring it back)
        targetLastSuccessMillis.computeIfPresent(nodeName, (node, before) -> Math.max(before, nowMillis));
    }

    public void scrapeFailed(double seconds, String source, String reason) {
        scrapeDuration.observe(seconds);
        scrapes.labelValues("failure").inc();
        scrapeErrors.labelValues(source, reason).inc();
    }

    /** A secondary endpoint failed while the scrape itself was still published. */
    public void sourceFailed(String source, String reason) {
        scrapeErrors.labelValues(source, reason).inc();
    }

    public void scrapeSkipped(String reason) {
        scrapes.labelValues("skipped").inc();
        scrapeErrors.labelValues("loop", reason).inc();
    }

    public void parseProblems(String source, ParseProblems problems) {
        for (Map.Entry<String, Long> entry : problems.byReason().entrySet()) {
            parseProblems.labelValues(source, entry.getKey()).inc(entry.getValue());
        }
    }

    public void metadataFailed(String reason) {
        metadataErrors.labelValues(reason).inc();
    }

    public void recordSent() {
        recordsSent.inc();
    }

    public void recordDropped() {
        recordsDropped.inc();
    }

    public void recordsBuffered(int count) {
        recordsBuffered.set(count);
    }

    /** Scrapes so far with this {@code result} (success, failure, skipped). */
    public double scrapeCount(String result) {
        return scrapes.labelValues(result).get();
    }

    /** Scrape errors so far with this {@code reason}, over every source. */
    public double scrapeErrorCount(String reason) {
        double total = 0;
        for (CounterSnapshot.CounterDataPointSnapshot point : scrapeErrors.collect().getDataPoints()) {
            if (reason.equals(point.getLabels().get("reason"))) {
                total += point.getValue();
            }
        }
        return total;
    }
}
