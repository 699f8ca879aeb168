package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.RecordDecodingException;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The gateway's local copy of the aggregator's output, loaded by plain consumers ({@link TopicLoader}; no Kafka
 * Streams, no state directory): {@code node-usage} into the decoded {@link NodeUsageView}, and both window topics
 * into the latest window per entity and size ({@link LatestWindows}) plus one {@link WindowSink} hook.
 *
 * <p>Restore reads {@code node-usage} from the beginning but decodes only each node's last record: until the end
 * offsets seen at start are reached it keeps the newest payload per key, then decodes and applies those (a
 * compacted topic's uncompacted tail holds many records per node). Window topics are read from
 * {@code windowLookback} ago (by record time): only the newest window per entity and size is kept, and no window
 * older than the longest window size plus the staleness bound is exposed anyway.
 *
 * <p>Ready ({@link #restored()}) once {@code node-usage} has been read up to the end offsets seen at start; the
 * windows load beside it and do not hold readiness. Poison records are counted, logged and skipped.
 */
public final class GatewayStore extends ViewReader implements AutoCloseable {
    /** How far back the window topics are read at start: the longest window (1 h) plus the largest bound (1 h). */
    public static final Duration DEFAULT_WINDOW_LOOKBACK = Duration.ofHours(2);

    private final LatestWindows latestWindows = new LatestWindows();
    private final LoadListener listener;
    private final WindowSink windowSink;
    private final TopicLoader usageTopicLoader;
    private final TopicLoader windowLoader;
    private final NodeUsageLoader usageLoader;
    private final Deserializer<MetricsWindow> windowDecoder;

    /**
     * @param consumerConfig  consumer settings (bootstrap, security, client id prefix under {@code client.id})
     * @param topics          the schemas module's topics (with the configured prefix): {@code node-usage} and both
     *                        window topics are read, with their declared value serdes
     * @param windowSink      also receives every decoded window record ({@link WindowSink#NONE} for none)
     * @param windowLookback  how far back (record time) the window topics are read at start
     */
    public GatewayStore(Map<String, Object> consumerConfig, Topics topics, LoadListener listener,
            WindowSink windowSink, Duration windowLookback, InstantSource clock) {
        super(new NodeUsageView());
        this.listener = listener;
        this.windowSink = windowSink;
        this.usageLoader = new NodeUsageLoader(view, topics.nodeUsage().valueSerde().deserializer(), listener);
        // both window topics declare the same MetricsWindow serde
        this.windowDecoder = topics.nodeMetricsWindows().valueSerde().deserializer();
        this.usageTopicLoader = new TopicLoader("node-usage", consumerConfig(consumerConfig, "node-usage", 100),
                List.of(topics.nodeUsage().name()), TopicLoader.StartPositions.BEGINNING, new UsageHandler());
        this.windowLoader = new TopicLoader("windows", consumerConfig(consumerConfig, "windows", 500),
                List.of(topics.nodeMetricsWindows().name(), topics.podMetricsWindows().name()),
                TopicLoader.since(() -> clock.millis() - windowLookback.toMillis()), new WindowHandler());
    }

    /**
     * Fetches wait up to {@code fetchWaitMillis} to gather records instead of answering for every single record (one
     * fetch round trip per node update was over 40 % of the loader thread's JFR samples at 1,000 nodes); partition
     * fetches stay under G1's humongous-object size. Each can be overridden with {@code KAFKA_*}.
     */
    private static Map<String, Object> consumerConfig(Map<String, Object> base, String loader, int fetchWaitMillis) {
        Map<String, Object> config = new HashMap<>(base);
        config.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchWaitMillis);
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, base.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "gateway") + "-" + loader);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(), no group: every replica reads everything
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the aggregator may write with exactly-once: never show records of aborted transactions
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    /** Starts loading in the background and returns at once. */
    public void start() {
        usageTopicLoader.start();
        windowLoader.start();
    }

    /** The view holds everything up to the end offsets of {@code node-usage} seen at start. */
    public boolean restored() {
        return usageTopicLoader.restored();
    }

    /** The window topics have been read up to the end offsets seen at start. */
    public boolean windowsRestored() {
        return windowLoader.restored();
    }

    /** The scrape resolution carried by the data (0 while no record carried one). */
    public long scrapeResolutionMillis() {
        return view.scrapeResolutionMillis();
    }

    public HealthCheck readiness() {
        return HealthCheck.of("metrics-stores-restored", () -> restored() ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed(usageTopicLoader.progress() + "; windows: " + windowLoader.progress()));
    }

    /** Live unless a loader thread has failed for good. */
    public HealthCheck liveness() {
        return HealthCheck.of("store-loaders", () -> {
            for (TopicLoader loader : List.of(usageTopicLoader, windowLoader)) {
                if (loader.failure() != null) {
                    return HealthCheck.Result.failed(loader.progress());
                }
            }
            return HealthCheck.Result.passed();
        });
    }

    /** The largest record lag of the loaders, or NaN before the first poll. */
    public double consumerLagRecords() {
        long lag = Math.max(usageTopicLoader.lagRecords(), windowLoader.lagRecords());
        return lag < 0 ? Double.NaN : lag;
    }

    private final class UsageHandler implements TopicLoader.Handler {
        /** While restoring: the newest payload per node (null = tombstone), decoded once restore ends. */
        private Map<String, ConsumerRecord<String, byte[]>> newest = new HashMap<>();

        @Override
        public void record(ConsumerRecord<String, byte[]> record, boolean restoring) {
            if (record.key() == null) {
                listener.dropped(record.topic(), null, "null-key");
            } else if (restoring) {
                newest.put(record.key(), record);
            } else {
                apply(record);
            }
        }

        @Override
        public void restored() {
            newest.values().forEach(this::apply);
            newest = null;
        }

        private void apply(ConsumerRecord<String, byte[]> record) {
            usageLoader.apply(record.topic(), record.key(), record.value());
        }
    }

    private final class WindowHandler implements TopicLoader.Handler {
        @Override
        public void record(ConsumerRecord<String, byte[]> record, boolean restoring) {
            if (record.key() == null) {
                listener.dropped(record.topic(), null, "null-key");
                return;
            }
            if (record.value() == null) {
                return; // window topics are not compacted: a tombstone means nothing
            }
            MetricsWindow window;
            try {
                window = windowDecoder.deserialize(record.topic(), record.value());
            } catch (RecordDecodingException e) {
                listener.dropped(record.topic(), record.key(), e.reason().label() + ": " + e.getMessage());
                return;
            }
            view.shareWith(window);
            latestWindows.accept(window);
            windowSink.accept(window);
        }

        @Override
        public void restored() {
        }
    }

    @Override
    public void forEachLatestWindow(Consumer<MetricsWindow> action) {
        latestWindows.forEach(action);
    }

    @Override
    public void forEachLatestWindow(EntityKind kind, String entityPrefix, Consumer<MetricsWindow> action) {
        latestWindows.forEach(kind, entityPrefix, action);
    }

    @Override
    public long windowCount() {
        return latestWindows.size();
    }

    @Override
    public void close() {
        usageTopicLoader.close();
        windowLoader.close();
    }
}
