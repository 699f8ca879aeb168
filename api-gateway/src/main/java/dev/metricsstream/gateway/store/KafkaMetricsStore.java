package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.common.health.HealthCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local copy of the aggregator's output, materialized by Kafka Streams global stores
 * ({@link StoreTopology}) and read through interactive queries. Every iterator is closed (try-with-resources).
 * While Kafka is unreachable the stores keep what they have and reads go on; freshness is enforced by the caller.
 */
public final class KafkaMetricsStore implements MetricsStoreReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaMetricsStore.class);

    private final KafkaStreams streams;
    private final Set<TopicPartition> restoring = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> restored = ConcurrentHashMap.newKeySet();

    private final Map<String, Object> adminConfig;
    private final List<String> sourceTopics;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile String waitingFor = "not started";

    /**
     * @param adminConfig  settings for the admin client that waits for the source topics (bootstrap, security)
     * @param sourceTopics the topics the global stores read; loading starts once all of them exist
     */
    public KafkaMetricsStore(Topology topology, Properties streamsProperties, Map<String, Object> adminConfig,
            List<String> sourceTopics) {
        this.streams = new KafkaStreams(topology, streamsProperties);
        this.adminConfig = Map.copyOf(adminConfig);
        this.sourceTopics = List.copyOf(sourceTopics);
        streams.setGlobalStateRestoreListener(new RestoreProgress());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.atError().setCause(e).log("Kafka Streams thread failed; the gateway stops being live");
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Starts loading in the background and returns at once: first waits (as long as it takes, until closed) for
     * Kafka to answer and every source topic to exist, then starts Kafka Streams. {@code KafkaStreams.start()}
     * blocks until the global stores are restored, cannot be interrupted and, with Kafka away, fails the global
     * thread after {@code task.timeout.ms}; waiting for the topics first keeps a gateway that starts before Kafka
     * alive, answering probes ("not ready: waiting for ...") and stoppable.
     */
    public synchronized void start() {
        waitingFor = "Kafka and the topics " + sourceTopics;
        Thread starter = new Thread(() -> {
            if (!awaitSourceTopics()) {
                return;
            }
            try {
                waitingFor = "global stores to restore";
                streams.start();
            } catch (RuntimeException e) {
                LOG.atError().setCause(e).log("Kafka Streams did not start");
            }
        }, "gateway-store-start");
        starter.setDaemon(true);
        starter.start();
    }

    private boolean awaitSourceTopics() {
        boolean logged = false;
        try (Admin admin = Admin.create(adminConfig)) {
            while (closing.getCount() > 0) {
                try {
                    admin.describeTopics(sourceTopics).allTopicNames().get(10, TimeUnit.SECONDS);
                    return true;
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    waitingFor = "Kafka and the topics " + sourceTopics + " (" + cause.getClass().getSimpleName() + ": "
                            + cause.getMessage() + ")";
                    if (!logged) {
                        LOG.atWarn().addKeyValue("reason", cause.getMessage()).log("waiting for Kafka and the source topics");
                        logged = true;
                    }
                }
                if (closing.await(2, TimeUnit.SECONDS)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Ready once the global stores hold everything up to the end offsets seen at start: the global thread restores
     * every global store up to the partitions' end offsets (read when it starts) before the client goes RUNNING.
     */
    public HealthCheck readiness() {
        return HealthCheck.of("metrics-stores-restored", () -> {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return HealthCheck.Result.passed();
            }
            return HealthCheck.Result.failed("waiting for " + waitingFor + " (Kafka Streams " + state + "; "
                    + restored.size() + " partitions restored, " + restoring.size() + " restoring)");
        });
    }

    /** Live unless Kafka Streams has failed for good. */
    public HealthCheck liveness() {
        return HealthCheck.of("kafka-streams", () -> switch (streams.state()) {
            case ERROR, PENDING_ERROR ->
                    HealthCheck.Result.failed("Kafka Streams is " + streams.state());
            default -> HealthCheck.Result.passed();
        });
    }

    /** The largest record lag of the global consumer (records behind the end of its partitions), or NaN. */
    public double globalConsumerLagRecords() {
        double lag = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("records-lag-max") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().getOrDefault("client-id", "").contains("global")) {
                Object value = entry.getValue().metricValue();
                if (value instanceof Double number && !number.isNaN()) {
                    lag = Double.isNaN(lag) ? number : Math.max(lag, number);
                }
            }
        }
        return lag;
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    private interface Decoder<T> {
        T decode(String storeName, byte[] bytes);
    }

    private static <T> Optional<T> decode(String storeName, byte[] bytes, Decoder<T> decoder) {
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(decoder.decode(storeName, bytes));
        } catch (RuntimeException e) {
            // the loaders only store what decodes; this would be a bug, not bad input
            LOG.atWarn().setCause(e).log("stored record does not decode");
            return Optional.empty();
        }
    }

    private <T> Optional<T> get(String storeName, String key, Decoder<T> decoder) {
        try {
            return decode(storeName, store(storeName).get(key), decoder);
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private <T> void scan(String storeName, String prefix, Decoder<T> decoder, Consumer<T> action) {
        ReadOnlyKeyValueStore<String, byte[]> store;
        try {
            store = store(storeName);
        } catch (InvalidStateStoreException e) {
            return; // not loaded yet: /readyz says so
        }
        try (KeyValueIterator<String, byte[]> iterator =
                     prefix == null ? store.all() : store.prefixScan(prefix, new StringSerializer())) {
            while (iterator.hasNext()) {
                KeyValue<String, byte[]> entry = iterator.next();
                decode(storeName, entry.value, decoder).ifPresent(action);
            }
        }
    }

    @Override
    public Optional<NodeMetrics> node(String name) {
        return get(StoreTopology.NODES, name, RecordCodec::node);
    }

    @Override
    public void forEachNode(Consumer<NodeMetrics> action) {
        scan(StoreTopology.NODES, null, RecordCodec::node, action);
    }

    @Override
    public Optional<PodMetrics> pod(String namespace, String name) {
        return get(StoreTopology.PODS, StoreKeys.pod(namespace, name), RecordCodec::pod);
    }

    @Override
    public void forEachPodInNamespace(String namespace, Consumer<PodMetrics> action) {
        scan(StoreTopology.PODS, StoreKeys.namespacePrefix(namespace), RecordCodec::pod, action);
    }

    @Override
    public void forEachPod(Consumer<PodMetrics> action) {
        scan(StoreTopology.PODS, null, RecordCodec::pod, action);
    }

    @Override
    public void forEachLatestWindow(Consumer<MetricsWindow> action) {
        scan(StoreTopology.NODE_WINDOWS, null, RecordCodec::window, action);
        scan(StoreTopology.POD_WINDOWS, null, RecordCodec::window, action);
    }

    private long count(String storeName) {
        try {
            return store(storeName).approximateNumEntries();
        } catch (InvalidStateStoreException e) {
            return 0;
        }
    }

    @Override
    public long nodeCount() {
        return count(StoreTopology.NODES);
    }

    @Override
    public long podCount() {
        return count(StoreTopology.PODS);
    }

    @Override
    public long windowCount() {
        return count(StoreTopology.NODE_WINDOWS) + count(StoreTopology.POD_WINDOWS);
    }

    @Override
    public void close() {
        closing.countDown();
        streams.close(Duration.ofSeconds(10));
    }

    /** Logs restore progress and remembers which partitions are done (shown by the readiness check). */
    private final class RestoreProgress implements StateRestoreListener {
        @Override
        public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
            restoring.add(partition);
            LOG.atInfo().addKeyValue("store", storeName).addKeyValue("partition", partition.toString())
                    .addKeyValue("endOffset", endingOffset).log("restoring global store");
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
            restoring.remove(partition);
            restored.add(partition);
            LOG.atInfo().addKeyValue("store", storeName).addKeyValue("partition", partition.toString())
                    .addKeyValue("records", totalRestored).log("global store restored");
        }
    }
}
