package dev.metricsstream.aggregator;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.OpsServer;
import dev.metricsstream.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's one composition root: topics, topology, Kafka Streams, health and the ops port. Usable in-process
 * (the standalone launcher and the benchmark start it with a config map) as well as from {@link AggregatorMain}.
 *
 * <pre>{@code
 * try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(Map.of(
 *         "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "STATE_DIR", dir, "OPS_PORT", "0")), new PrometheusRegistry())) {
 *     ...
 * }
 * }</pre>
 */
public final class AggregatorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorApp.class);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final Health health;
    private final AggregatorMetrics metrics;
    private final OpsServer ops;
    private final CountDownLatch stopped;
    private final TopicSetup topicSetup;

    private AggregatorApp(KafkaStreams streams, Health health, AggregatorMetrics metrics, OpsServer ops,
                          CountDownLatch stopped, TopicSetup topicSetup) {
        this.stopped = stopped;
        this.topicSetup = topicSetup;
        this.streams = streams;
        this.health = health;
        this.metrics = metrics;
        this.ops = ops;
    }

    /** Ensures the topics, starts Kafka Streams and (unless OPS_PORT is -1) the ops port. */
    public static AggregatorApp start(AggregatorConfig config, PrometheusRegistry registry)
            throws InterruptedException {
        LOG.info("starting with {}", config);
        Topics topics = Topics.withPrefix(config.topicPrefix());
        TopicSetup topicSetup = TopicSetup.start(Admin.create(config.kafka().clientProperties()), topics,
                config.topicPartitions(), config.topicReplicationFactor(), config.createTopics(),
                TopicSetup.FIRST_CHECK_DEADLINE, TopicSetup.RECHECK_INTERVAL);
        AggregatorMetrics metrics = new AggregatorMetrics(registry);
        KafkaStreams streams = new KafkaStreams(AggregatorTopology.build(topics, config, metrics),
                AggregatorTopology.streamsProperties(topics, config, metrics));
        RestoreTracker restores = new RestoreTracker();
        streams.setGlobalStateRestoreListener(restores);
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.atError().addKeyValue("reason", exception.getClass().getSimpleName())
                    .setCause(exception).log("stream thread failed; replacing it");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            LOG.atInfo().addKeyValue("state", newState.name()).log("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        registry.register(new StreamsMetricsCollector(() -> streams));
        Health health = health(streams, restores, topicSetup.readiness());
        streams.start();
        OpsServer ops = config.ops().enabled()
                ? OpsServer.start(config.ops().host(), config.ops().port(), registry, health) : null;
        return new AggregatorApp(streams, health, metrics, ops, stopped, topicSetup);
    }

    static Health health(KafkaStreams streams, RestoreTracker restores, HealthCheck topics) {
        return new Health()
                .addLiveness(HealthCheck.of("streams-not-failed", () -> {
                    KafkaStreams.State state = streams.state();
                    return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                            || state == KafkaStreams.State.NOT_RUNNING
                            ? HealthCheck.Result.failed("Kafka Streams is " + state)
                            : HealthCheck.Result.passed();
                }))
                .addLiveness(HealthCheck.of("stream-threads-alive", () -> {
                    if (streams.state() != KafkaStreams.State.RUNNING
                            && streams.state() != KafkaStreams.State.REBALANCING) {
                        return HealthCheck.Result.passed();
                    }
                    Set<ThreadMetadata> threads = streams.metadataForLocalThreads();
                    long alive = threads.stream().filter(t -> !"DEAD".equals(t.threadState())).count();
                    return alive > 0 ? HealthCheck.Result.passed()
                            : HealthCheck.Result.failed("no stream thread alive");
                }))
                .addReadiness(HealthCheck.of("streams-running", () -> streams.state() == KafkaStreams.State.RUNNING
                        ? HealthCheck.Result.passed()
                        : HealthCheck.Result.failed("Kafka Streams is " + streams.state())))
                .addReadiness(HealthCheck.of("state-restored", () -> {
                    // Kafka Streams' own count is the truth; the listener only names what is being restored
                    double remaining = remainingRestoreRecords(streams);
                    return remaining <= 0 ? HealthCheck.Result.passed()
                            : HealthCheck.Result.failed((long) remaining + " records to restore into "
                                    + restores.restoring());
                }))
                .addReadiness(topics);
    }

    /** Sum of Kafka Streams' {@code restore-remaining-records-total} over all tasks (0 when nothing restores). */
    static double remainingRestoreRecords(KafkaStreams streams) {
        double remaining = 0;
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metric
                : streams.metrics().entrySet()) {
            if (metric.getKey().name().equals("restore-remaining-records-total")
                    && metric.getValue().metricValue() instanceof Number number && !Double.isNaN(number.doubleValue())) {
                remaining += number.doubleValue();
            }
        }
        return remaining;
    }

    /** Blocks until Kafka Streams has stopped (closed or failed). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Health health() {
        return health;
    }

    public AggregatorMetrics metrics() {
        return metrics;
    }

    /** The ops port actually bound, or -1 when the ops port is off. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Leaves the group (so its partitions move at once) and closes Kafka Streams, committing what was processed;
     * then stops the ops port.
     */
    @Override
    public void close() {
        LOG.info("stopping");
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
        if (!clean) {
            LOG.atWarn().addKeyValue("reason", "close_timeout").log("Kafka Streams did not stop within {}",
                    CLOSE_TIMEOUT);
        }
        if (ops != null) {
            ops.close();
        }
        topicSetup.close();
    }
}
