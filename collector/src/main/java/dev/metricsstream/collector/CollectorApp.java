package dev.metricsstream.collector;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.metadata.ApiServerMetadataSource;
import dev.metricsstream.collector.metadata.ClusterPodMetadataSource;
import dev.metricsstream.collector.metadata.KubeletPodsMetadataSource;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.ops.CollectorOpsServer;
import dev.metricsstream.collector.pool.FixedTargetSource;
import dev.metricsstream.collector.pool.NodeInformerTargetSource;
import dev.metricsstream.collector.pool.PoolSettings.TargetMode;
import dev.metricsstream.collector.publish.BufferedPublisher;
import dev.metricsstream.collector.publish.ProducerSettings;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.scrape.HttpKubeletSource;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.scrape.KubeletSource;
import dev.metricsstream.collector.scrape.NodeScraper;
import dev.metricsstream.collector.scrape.ScrapeLoop;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.scrape.TargetSource;
import dev.metricsstream.collector.scrape.TlsContexts;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.schemas.Topic;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's composition root: wires config → kubelet HTTP client → sources → metadata → scrape loop →
 * buffered Kafka publisher, plus metrics, health and the ops port. Used by {@link CollectorMain} and in-process by
 * the standalone run and benchmarks:
 * <pre>{@code
 * CollectorConfig config = CollectorConfig.from(Map.of(
 *         "KUBELET_TARGETS", "node-1=https://127.0.0.1:10250,node-2=https://127.0.0.1:10251",
 *         "KUBELET_CA_FILE", caPem.toString(), "METADATA_SOURCE", "kubelet",
 *         "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "OPS_PORT", "-1"));
 * try (CollectorApp collector = CollectorApp.create(config, InstantSource.system(), new PrometheusRegistry())) {
 *     collector.start();          // or collector.scrapeOnce() for one synchronous cycle
 * }
 * }</pre>
 */
public final class CollectorApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorApp.class);

    private final CollectorConfig config;
    private final InstantSource clock;
    private final TargetSource targetSource;
    private final MetadataSource metadata;
    private final BufferedPublisher publisher;
    private final ScrapeLoop loop;
    private final Health health;
    private final CollectorOpsServer ops;
    private final KubeletHttp http;
    private final CollectorMetrics metrics;
    private final long createdMillis;
    private volatile boolean closed;

    private CollectorApp(CollectorConfig config, InstantSource clock, PrometheusRegistry registry,
            TargetSource targetSource, Producer<String, NodeScrape> producer, String topicName) {
        this.config = config;
        this.targetSource = targetSource;
        this.clock = clock;
        this.createdMillis = clock.millis();
        this.metrics = new CollectorMetrics(registry);
        this.http = new KubeletHttp(sslContext(config), new BearerToken(config.tokenFile()),
                config.scrapeTimeout(), config.maxResponseBytes());
        this.metadata = metadataSource(config, http, targetSource);
        this.publisher = new BufferedPublisher(producer, topicName, config.bufferScrapes(),
                metrics, clock, ProducerSettings.DELIVERY_TIMEOUT.plusSeconds(5));
        List<KubeletSource> sources = sources(config, http);
        metrics.initializeSources(sources.stream().map(KubeletSource::name).toList());
        NodeScraper scraper = new NodeScraper(sources, metadata, metrics);
        this.loop = new ScrapeLoop(targetSource::targets, scraper, publisher, metrics, clock, config.resolution(),
                config.scrapeConcurrency());
        this.health = new Health()
                .addLiveness(HealthCheck.of("scrape-loop", this::loopTicking))
                .addReadiness(HealthCheck.of("scrape-published", this::recentlyPublished));
        this.ops = config.ops().enabled()
                ? CollectorOpsServer.start(config.ops().host(), config.ops().port(), registry, health) : null;
    }

    /** Production wiring: JVM metrics, the ops port, a Kafka producer, the configured targets. */
    public static CollectorApp create(CollectorConfig config) {
        return create(config, InstantSource.system(), ProcessMetrics.newRegistryWithJvmMetrics());
    }

    /**
     * In-process wiring with the given clock and registry; the ops port opens unless {@code OPS_PORT=-1}. Targets
     * per {@code TARGET_SOURCE}: the own node, the static list, or every Node from an apiserver informer; cut to
     * this replica's shard ({@code POOL_ORDINAL}/{@code POOL_REPLICAS}). The collector closes the target source.
     */
    public static CollectorApp create(CollectorConfig config, InstantSource clock, PrometheusRegistry registry) {
        TargetSource targets = targetSource(config);
        Topic<String, NodeScrape> topic = config.topics().kubeletScrapes();
        Producer<String, NodeScrape> producer = new KafkaProducer<>(ProducerSettings.producerProperties(
                config.kafka().clientProperties(), "collector-" + clientSuffix(config)),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
        return new CollectorApp(config, clock, registry, targets, producer, topic.name());
    }

    private static String clientSuffix(CollectorConfig config) {
        if (config.pool().mode() == TargetMode.OWN_NODE && config.targets().size() == 1) {
            return config.targets().get(0).nodeName();
        }
        return "pool-" + config.pool().shard().ordinal();
    }

    /** The target source {@code TARGET_SOURCE} asks for, limited to this replica's shard. */
    public static TargetSource targetSource(CollectorConfig config) {
        return switch (config.pool().mode()) {
            case OWN_NODE -> new FixedTargetSource("own-node", config.targets(), config.pool().shard());
            case STATIC -> new FixedTargetSource("static", config.targets(), config.pool().shard());
            case CLUSTER -> {
                if (config.apiserverUrl() == null) {
                    throw new IllegalStateException("TARGET_SOURCE=cluster needs APISERVER_URL or the in-cluster "
                            + "KUBERNETES_SERVICE_HOST");
                }
                yield new NodeInformerTargetSource(apiClient(config), config.pool().addresses(),
                        config.pool().shard());
            }
        };
    }

    /** The collector's own counters (scrapes by result, errors by reason), as exported on {@code /metrics}. */
    public CollectorMetrics metrics() {
        return metrics;
    }

    /** The current targets (this replica's share), as the next tick will see them. */
    public List<ScrapeTarget> targets() {
        return targetSource.targets();
    }

    /** Starts the scrape loop: one scrape at once, then every resolution after a random offset (≤ 5 s). */
    public CollectorApp start() {
        return start(ScrapeLoop.randomStartOffset(config.resolution()));
    }

    public CollectorApp start(Duration startOffset) {
        if (config.insecureTls()) {
            LOG.atWarn().addKeyValue("reason", "insecure_tls")
                    .log("KUBELET_INSECURE_TLS=true: kubelet serving certificates are NOT verified");
        }
        LOG.info("collector starting in {}: {}", startOffset.toMillis() + " ms", config.describe());
        loop.start(startOffset);
        return this;
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

    private HealthCheck.Result loopTicking() {
        long now = clock.millis();
        long last = loop.lastTickMillis();
        long allowed = config.resolution().toMillis() * 2 + 5_000;
        if (last < 0) {
            return now - createdMillis <= allowed ? HealthCheck.Result.passed()
                    : HealthCheck.Result.failed("no tick since start " + (now - createdMillis) + " ms ago");
        }
        return now - last <= allowed ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed("last tick " + (now - last) + " ms ago");
    }

    private HealthCheck.Result recentlyPublished() {
        long last = publisher.lastAckMillis();
        if (last < 0) {
            return HealthCheck.Result.failed("no scrape published yet");
        }
        long age = clock.millis() - last;
        return age <= config.resolution().toMillis() * 2 ? HealthCheck.Result.passed()
                : HealthCheck.Result.failed("last scrape published " + age + " ms ago");
    }

    /** Finishes the in-flight scrape, flushes what Kafka has not acknowledged (within the timeout), stops. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Duration total = config.shutdownTimeout();
        long start = System.nanoTime();
        loop.close(total.dividedBy(2));
        Duration left = total.minusNanos(System.nanoTime() - start);
        publisher.close(left.isNegative() ? Duration.ofSeconds(1) : left);
        metadata.close();
        targetSource.close();
        http.close();
        if (ops != null) {
            ops.close();
        }
        LOG.info("collector stopped; {} scrapes sent, {} dropped, {} left unsent", publisher.sentCount(),
                publisher.droppedCount(), publisher.buffered());
    }

    static SSLContext sslContext(CollectorConfig config) {
        try {
            return config.insecureTls() ? TlsContexts.insecure() : TlsContexts.trusting(config.caFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read KUBELET_CA_FILE " + config.caFile(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use KUBELET_CA_FILE " + config.caFile() + ": " + e.getMessage(),
                    e);
        }
    }

    static List<KubeletSource> sources(CollectorConfig config, KubeletHttp http) {
        return switch (config.sources()) {
            case METRICS_RESOURCE -> List.of(HttpKubeletSource.metricsResource(http));
            case STATS_SUMMARY -> List.of(HttpKubeletSource.statsSummary(http));
            case BOTH -> List.of(HttpKubeletSource.metricsResource(http), HttpKubeletSource.statsSummary(http));
        };
    }

    static MetadataSource metadataSource(CollectorConfig config, KubeletHttp http, TargetSource targets) {
        return switch (config.metadataMode()) {
            case NONE -> MetadataSource.none();
            case KUBELET -> new KubeletPodsMetadataSource(http);
            case APISERVER -> {
                if (config.pool().mode() == TargetMode.OWN_NODE) {
                    yield new ApiServerMetadataSource(apiClient(config), config.targets().get(0).nodeName(),
                            config.nodeMetadataRefresh());
                }
                // many nodes: one cluster-wide pod informer; node labels/capacity from the node informer if any
                Function<String, NodeInfo> nodeInfo = targets instanceof NodeInformerTargetSource informer
                        ? informer::nodeInfo : name -> null;
                yield new ClusterPodMetadataSource(apiClient(config), nodeInfo);
            }
        };
    }

    static ApiClient apiClient(CollectorConfig config) {
        try {
            ClientBuilder builder = new ClientBuilder().setBasePath(config.apiserverUrl().toString())
                    .setReadTimeout(Duration.ZERO);
            if (config.apiserverTokenFile() != null) {
                builder.setAuthentication(new TokenFileAuthentication(config.apiserverTokenFile().toString()));
            }
            if ("https".equals(config.apiserverUrl().getScheme())) {
                if (config.apiserverCaFile() != null && Files.isReadable(config.apiserverCaFile())) {
                    builder.setCertificateAuthority(Files.readAllBytes(config.apiserverCaFile()));
                } else {
                    builder.setVerifyingSsl(!config.insecureTls());
                }
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
