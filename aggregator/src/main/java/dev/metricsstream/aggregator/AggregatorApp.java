package dev.metricsstream.aggregator;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.OpsServer;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.schemas.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's one composition root. At start-up it
 * <ol>
 *   <li>administers its topics ({@link TopicAdministration}: creates the missing ones, checks cleanup policies; the
 *       {@code topics} readiness check follows them),</li>
 *   <li>builds the topology into Kafka Streams ({@link AggregatorStreams}) and exports Kafka Streams' metrics beside
 *       its own counters ({@link AggregatorMetrics}, {@link StreamsMetricsCollector}),</li>
 *   <li>names its health checks ({@link AggregatorHealth}: live while Kafka Streams has not failed, ready once it
 *       runs, has restored its state and the topics are right),</li>
 *   <li>starts Kafka Streams, then the ops port ({@code /metrics}, {@code /livez}, {@code /readyz}; not with
 *       {@code OPS_PORT=-1}).</li>
 * </ol>
 * Usable in-process (the standalone launcher, tests) as well as from {@link AggregatorMain}:
 *
 * <pre>{@code
 * try (AggregatorApp app = AggregatorApp.start(AggregatorConfig.from(Map.of(
 *         "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "STATE_DIR", dir, "OPS_PORT", "0")),
 *         AggregatorApp.Deps.production())) {
 *     ...
 * }
 * }</pre>
 */
public final class AggregatorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorApp.class);

    /**
     * What the aggregator takes from outside its configuration. No clock: its only wall time is Kafka Streams' own
     * (the staleness punctuator and tombstone timestamps), which {@code TopologyTestDriver} replaces in tests.
     *
     * @param registry where its counters and Kafka Streams' metrics are registered, and what {@code /metrics} serves
     * @param topics   the topic administration step
     */
    public record Deps(PrometheusRegistry registry, TopicAdministration topics) {
        /** What {@link AggregatorMain} passes: a registry with the JVM metrics, the topics administered by Admin. */
        public static Deps production() {
            return new Deps(ProcessMetrics.newRegistryWithJvmMetrics(), TopicAdministration.kafkaAdmin());
        }

        /** The same with another topic administration step (a test's, or none when someone else owns the topics). */
        public Deps withTopics(TopicAdministration administration) {
            return new Deps(registry, administration);
        }

        /** The same with another registry (a process hosting several services shares one). */
        public Deps withRegistry(PrometheusRegistry other) {
            return new Deps(other, topics);
        }
    }

    private final TopicAdministration.Started topicSetup;
    private final AggregatorStreams streams;
    private final AggregatorMetrics metrics;
    private final Health health;
    private final OpsServer ops;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AggregatorApp(TopicAdministration.Started topicSetup, AggregatorStreams streams, AggregatorMetrics metrics,
                          Health health, OpsServer ops) {
        this.topicSetup = topicSetup;
        this.streams = streams;
        this.metrics = metrics;
        this.health = health;
        this.ops = ops;
    }

    /** Starts the aggregator: topics, Kafka Streams, health and (unless {@code OPS_PORT} is -1) the ops port. */
    public static AggregatorApp start(AggregatorConfig config, Deps deps) throws InterruptedException {
        LOG.info("starting with {}", config);
        Topics topics = Topics.withPrefix(config.topicPrefix());
        TopicAdministration.Started topicSetup = deps.topics().start(config, topics);
        AggregatorStreams streams = null;
        try {
            AggregatorMetrics metrics = new AggregatorMetrics(deps.registry());
            streams = AggregatorStreams.create(topics, config, metrics);
            deps.registry().register(new StreamsMetricsCollector(streams::kafkaStreams));
            Health health = AggregatorHealth.of(streams.kafkaStreams(), streams.restores(), topicSetup.readiness());
            streams.start();
            OpsServer ops = config.ops().enabled()
                    ? OpsServer.start(config.ops().host(), config.ops().port(), deps.registry(), health) : null;
            return new AggregatorApp(topicSetup, streams, metrics, health, ops);
        } catch (RuntimeException e) {
            if (streams != null) {
                streams.close();
            }
            topicSetup.close();
            throw e;
        }
    }

    /** Blocks until Kafka Streams has stopped (closed or failed). */
    public void awaitStopped() throws InterruptedException {
        streams.awaitStopped();
    }

    public KafkaStreams streams() {
        return streams.kafkaStreams();
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
     * Stops in reverse order of start: the ops port, then Kafka Streams (leaving the group so its partitions move at
     * once, committing what was processed), then the topic administration. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping");
        if (ops != null) {
            ops.close();
        }
        streams.close();
        topicSetup.close();
    }
}
