package dev.metricsstream.collector;

import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.ops.CollectorOpsServer;
import dev.metricsstream.collector.publish.BufferedPublisher;
import dev.metricsstream.collector.publish.ProducerSettings;
import dev.metricsstream.collector.scrape.KubeletSource;
import dev.metricsstream.collector.scrape.NodeScraper;
import dev.metricsstream.collector.scrape.ScrapeLoop;
import dev.metricsstream.collector.scrape.TargetSource;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's composition root. At start-up it: makes its counters; finds its targets ({@code TARGET_SOURCE},
 * cut to this replica's shard); opens the kubelet HTTPS client; starts the pod metadata source
 * ({@code METADATA_SOURCE}); starts the buffered publisher on the one Kafka producer; builds the scrape loop over
 * the kubelet endpoints ({@code KUBELET_SOURCE}); names its health checks; opens the ops port (unless
 * {@code OPS_PORT=-1}); and starts the loop as {@link Deps#loopStart()} says. Used by {@link CollectorMain} and
 * in-process by the standalone run, the pipeline tests and benchmarks:
 * <pre>{@code
 * CollectorConfig config = CollectorConfig.from(Map.of(
 *         "KUBELET_TARGETS", "node-1=https://127.0.0.1:10250,node-2=https://127.0.0.1:10251",
 *         "KUBELET_CA_FILE", caPem.toString(), "METADATA_SOURCE", "kubelet",
 *         "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "-1"));
 * try (CollectorApp collector = CollectorApp.start(config, CollectorApp.Deps.production().withClock(clock)
 *         .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()))) {
 *     collector.scrapeOnce();     // one synchronous cycle, when the caller drives the scrapes
 * }
 * }</pre>
 */
public final class CollectorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorApp.class);

    /**
     * What the collector takes from outside its configuration: the seams tests and in-process runs replace.
     *
     * @param clock     the time of scrapes, health checks and the publisher's record timestamps
     * @param registry  where the collector's metrics are registered and which {@code /metrics} serves
     * @param loopStart whether and when the scrape loop starts ticking
     */
    public record Deps(InstantSource clock, PrometheusRegistry registry, LoopStart loopStart) {
        public Deps {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(loopStart, "loopStart");
        }

        /** What {@link CollectorMain} passes: the system clock, a registry with the JVM metrics, a random offset. */
        public static Deps production() {
            return new Deps(InstantSource.system(), ProcessMetrics.newRegistryWithJvmMetrics(),
                    LoopStart.randomOffset());
        }

        /** Another clock (a {@code SimClock} in tests that drive time). */
        public Deps withClock(InstantSource other) {
            return new Deps(other, registry, loopStart);
        }

        /** Another registry (a plain one in-process, where several services share the JVM). */
        public Deps withRegistry(PrometheusRegistry other) {
            return new Deps(clock, other, loopStart);
        }

        /** Another loop start: a fixed offset, or none at all (the caller drives {@link #scrapeOnce()}). */
        public Deps withLoopStart(LoopStart other) {
            return new Deps(clock, registry, other);
        }
    }

    /** Whether and when the scrape loop starts: it scrapes at once, then every resolution after the offset. */
    public sealed interface LoopStart {
        /** Production: after a random offset (at most 5 s), so a fleet started together does not scrape in step. */
        static LoopStart randomOffset() {
            return new RandomOffset();
        }

        /** After this offset ({@link Duration#ZERO} for the standalone run and tests of the running loop). */
        static LoopStart after(Duration offset) {
            return new After(offset);
        }

        /** Never: the caller scrapes with {@link CollectorApp#scrapeOnce()}, on its own clock. */
        static LoopStart callerDriven() {
            return new CallerDriven();
        }

        /** The offset to start the loop after, for this resolution; empty when the loop does not run. */
        Optional<Duration> offset(Duration resolution);

        /** See {@link LoopStart#randomOffset()}. */
        record RandomOffset() implements LoopStart {
            @Override
            public Optional<Duration> offset(Duration resolution) {
                return Optional.of(ScrapeLoop.randomStartOffset(resolution));
            }
        }

        /** See {@link LoopStart#after(Duration)}. */
        record After(Duration offset) implements LoopStart {
            public After {
                Objects.requireNonNull(offset, "offset");
            }

            @Override
            public Optional<Duration> offset(Duration resolution) {
                return Optional.of(offset);
            }
        }

        /** See {@link LoopStart#callerDriven()}. */
        record CallerDriven() implements LoopStart {
            @Override
            public Optional<Duration> offset(Duration resolution) {
                return Optional.empty();
            }
        }
    }

    private final CollectorConfig config;
    private final CollectorMetrics metrics;
    private final TargetSource targetSource;
    private final KubeletHttp http;
    private final MetadataSource metadata;
    private final BufferedPublisher publisher;
    private final ScrapeLoop loop;
    private final Health health;
    private final CollectorOpsServer ops;
    private boolean closed;

    private CollectorApp(CollectorConfig config, CollectorMetrics metrics, TargetSource targetSource,
            KubeletHttp http, MetadataSource metadata, BufferedPublisher publisher, ScrapeLoop loop, Health health,
            CollectorOpsServer ops) {
        this.config = config;
        this.metrics = metrics;
        this.targetSource = targetSource;
        this.http = http;
        this.metadata = metadata;
        this.publisher = publisher;
        this.loop = loop;
        this.health = health;
        this.ops = ops;
    }

    /**
     * Starts the collector; a start the user can fix (ops port taken, a CA file that is no certificate) is a
     * {@link dev.metricsstream.common.ops.ServiceMain.CannotStart}. What was started before a failing step is
     * closed again.
     */
    public static CollectorApp start(CollectorConfig config, Deps deps) {
        if (config.insecureTls()) {
            LOG.atWarn().addKeyValue("reason", "insecure_tls")
                    .log("KUBELET_INSECURE_TLS=true: kubelet serving certificates are NOT verified");
        }
        InstantSource clock = deps.clock();
        long startedMillis = clock.millis();
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            CollectorMetrics metrics = new CollectorMetrics(deps.registry());
            TargetSource targets = opened(opened, CollectorParts.targetSource(config));
            KubeletHttp http = opened(opened, CollectorParts.kubeletHttp(config));
            MetadataSource metadata = opened(opened, CollectorParts.metadataSource(config, http, targets));
            BufferedPublisher publisher = opened(opened, new BufferedPublisher(CollectorParts.kafkaProducer(config),
                    config.topics().kubeletScrapes().name(), config.bufferScrapes(), metrics, clock,
                    ProducerSettings.DELIVERY_TIMEOUT.plusSeconds(5)));
            List<KubeletSource> sources = CollectorParts.sources(config, http);
            metrics.initializeSources(sources.stream().map(KubeletSource::name).toList());
            ScrapeLoop loop = opened(opened, new ScrapeLoop(targets::targets,
                    new NodeScraper(sources, metadata, metrics), publisher, metrics, clock, config.resolution(),
                    config.scrapeConcurrency()));
            Health health = health(config, clock, startedMillis, loop, publisher);
            CollectorOpsServer ops = config.ops().enabled() ? opened(opened, CollectorOpsServer.start(
                    config.ops().host(), config.ops().port(), deps.registry(), health)) : null;
            CollectorApp app = new CollectorApp(config, metrics, targets, http, metadata, publisher, loop, health,
                    ops);
            Optional<Duration> offset = deps.loopStart().offset(config.resolution());
            offset.ifPresent(loop::start);
            LOG.info("collector starting {}: {}", offset.map(o -> "in " + o.toMillis() + " ms")
                    .orElse("(scrapes driven by the caller)"), config.describe());
            return app;
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T opened(Deque<AutoCloseable> opened, T part) {
        opened.push(part);
        return part;
    }

    private static void closeAll(Deque<AutoCloseable> opened, RuntimeException failure) {
        for (AutoCloseable part : opened) { // most recent first
            try {
                part.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The collector's own counters (scrapes by result, errors by reason), as exported on {@code /metrics}. */
    public CollectorMetrics metrics() {
        return metrics;
    }

    /** The current targets (this replica's share), as the next tick will see them. */
    public List<ScrapeTarget> targets() {
        return targetSource.targets();
    }

    /** One synchronous scrape of every target (published asynchronously through the buffer). */
    public int scrapeOnce() throws InterruptedException {
        return loop.scrapeOnce();
    }

    public BufferedPublisher publisher() {
        return publisher;
    }

    public Health health() {
        return health;
    }

    /** The ops port actually bound (useful with {@code OPS_PORT=0}), or -1 when disabled. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Live while the loop ticks (or start-up is recent); ready while scrapes reach Kafka. */
    private static Health health(CollectorConfig config, InstantSource clock, long startedMillis, ScrapeLoop loop,
            BufferedPublisher publisher) {
        long resolutionMillis = config.resolution().toMillis();
        return new Health()
                .addLiveness(HealthCheck.of("scrape-loop", () -> loopTicking(clock.millis(), loop.lastTickMillis(),
                        startedMillis, resolutionMillis * 2 + 5_000)))
                .addReadiness(HealthCheck.of("scrape-published", () -> recentlyPublished(clock.millis(),
                        publisher.lastAckMillis(), resolutionMillis * 2)));
    }

    private static HealthCheck.Result loopTicking(long now, long last, long startedMillis, long allowed) {
        if (last < 0) {
            return now - startedMillis <= allowed ? HealthCheck.Result.passed()
                    : HealthCheck.Result.failed("no tick since start " + (now - startedMillis) + " ms ago");
        }
        return now - last <= allowed ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed("last tick " + (now - last) + " ms ago");
    }

    private static HealthCheck.Result recentlyPublished(long now, long last, long allowed) {
        if (last < 0) {
            return HealthCheck.Result.failed("no scrape published yet");
        }
        long age = now - last;
        return age <= allowed ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed("last scrape published " + age + " ms ago");
    }

    /**
     * Stops in the reverse order of start: finishes the in-flight scrape, closes the ops port, flushes what Kafka
     * has not acknowledged (within {@code SHUTDOWN_TIMEOUT}), stops the metadata source, the kubelet client and the
     * target source. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration total = config.shutdownTimeout();
        long start = System.nanoTime();
        loop.close(total.dividedBy(2));
        if (ops != null) {
            ops.close();
        }
        Duration left = total.minusNanos(System.nanoTime() - start);
        publisher.close(left.isNegative() ? Duration.ofSeconds(1) : left);
        metadata.close();
        http.close();
        targetSource.close();
        LOG.info("collector stopped; {} scrapes sent, {} dropped, {} left unsent", publisher.sentCount(),
                publisher.droppedCount(), publisher.buffered());
    }
}
