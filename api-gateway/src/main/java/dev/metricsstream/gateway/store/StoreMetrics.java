package dev.metricsstream.gateway.store;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.metricsstream.schemas.RecordDecodingException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's store metrics: entries per store, dropped records (also logged with stable keys), the age of the
 * newest sample loaded per kind (how stale the feed is), and the global consumer's lag.
 */
public final class StoreMetrics implements LoadListener {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMetrics.class);

    private final Counter dropped;
    private final AtomicLong newestNodeMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong newestPodMillis = new AtomicLong(Long.MIN_VALUE);

    /** Why a record is not stored ({@code reason} label): the store's checks, then every decoding failure. */
    public static final List<String> DROP_REASONS = dropReasons();

    public StoreMetrics(PrometheusRegistry registry) {
        dropped = Counter.builder().name("metrics_stream_gateway_records_dropped_total")
                .help("Records read from Kafka and not stored, by topic and reason").labelNames("topic", "reason")
                .register(registry);
    }

    /**
     * Starts {@code records_dropped_total} of these topics at 0 for every reason, so that the first drop is an
     * increase Prometheus can see.
     */
    public void initializeTopics(Collection<String> topics) {
        for (String topic : topics) {
            DROP_REASONS.forEach(reason -> dropped.initLabelValues(topic, reason));
        }
    }

    private static List<String> dropReasons() {
        List<String> reasons = new ArrayList<>(List.of("null-key", "key-mismatch", "key-not-namespace/name"));
        for (RecordDecodingException.Reason reason : RecordDecodingException.Reason.values()) {
            reasons.add(reason.label());
        }
        return List.copyOf(reasons);
    }

    /** Registers the gauges that read the store, the clock and the consumer when scraped. */
    public void registerGauges(PrometheusRegistry registry, MetricsStoreReader store, InstantSource clock,
            DoubleSupplier consumerLagRecords) {
        GaugeWithCallback.builder().name("metrics_stream_gateway_store_entries")
                .help("Entries in the gateway's local stores").labelNames("store")
                .callback(cb -> {
                    cb.call(store.nodeCount(), "nodes");
                    cb.call(store.podCount(), "pods");
                    cb.call(store.windowCount(), "windows");
                }).register(registry);
        GaugeWithCallback.builder().name("metrics_stream_gateway_newest_sample_age_seconds")
                .help("Age of the newest sample loaded into the store, by kind (how stale the feed is)")
                .labelNames("kind")
                .callback(cb -> {
                    long now = clock.millis();
                    if (newestNodeMillis.get() != Long.MIN_VALUE) {
                        cb.call(Freshness.ageSeconds(newestNodeMillis.get(), now), "node");
                    }
                    if (newestPodMillis.get() != Long.MIN_VALUE) {
                        cb.call(Freshness.ageSeconds(newestPodMillis.get(), now), "pod");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("metrics_stream_gateway_consumer_lag_records")
                .help("Largest record lag of the global consumer that feeds the stores")
                .callback(cb -> {
                    double lag = consumerLagRecords.getAsDouble();
                    if (!Double.isNaN(lag)) {
                        cb.call(lag);
                    }
                }).register(registry);
    }

    @Override
    public void loaded(String kind, long sampleMillis) {
        AtomicLong newest = kind.equals("node") ? newestNodeMillis : newestPodMillis;
        newest.accumulateAndGet(sampleMillis, Math::max);
    }

    @Override
    public void dropped(String topic, String key, String reason) {
        int colon = reason.indexOf(':');
        String shortReason = colon < 0 ? reason : reason.substring(0, colon);
        dropped.labelValues(topic, shortReason).inc();
        LOG.atWarn().addKeyValue("source", topic).addKeyValue("key", key).addKeyValue("reason", reason)
                .log("record dropped");
    }
}
