package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.state.BoundedRocksDbMemory;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.common.config.EnvReader;
import dev.metricsstream.common.config.KafkaSettings;
import dev.metricsstream.common.config.OpsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the aggregator can be told, built from a {@code Map<String, String>} (the environment in production, a
 * map in tests). Every problem is reported at once by {@link #from(Map)}. {@code KAFKA_*} variables other than our
 * own are passed through to the Kafka clients Strimzi-style ({@code KAFKA_SASL_MECHANISM} → {@code sasl.mechanism}).
 *
 * @param applicationId        Kafka Streams {@code application.id} (consumer group, internal topic prefix)
 * @param topicPrefix          prefix of every topic name
 * @param stateDir             where the local state stores live
 * @param scrapeResolution     the collectors' scrape interval (metrics-server's {@code --metric-resolution}), for
 *                             scrapes that do not carry their own
 * @param stalenessBound       a node with no scrape for longer is tombstoned with its pods
 * @param stalenessBoundConfigured whether STALENESS_BOUND was set; if not, the bound is 3 × the resolution the
 *                             scrapes carry, and {@code stalenessBound} (3 × {@code scrapeResolution}) only until
 *                             one carries it
 * @param stalenessCheckInterval how often the wall-clock punctuator looks for silent nodes
 * @param numStreamThreads     Kafka Streams threads in this instance
 * @param numStandbyReplicas   warm copies of each state store on other instances, for fast failover
 * @param processingGuarantee  {@code at_least_once} or {@code exactly_once_v2}
 * @param commitInterval       Kafka Streams commit interval; null keeps Kafka Streams' default for the guarantee
 * @param topicPartitions      partitions for topics created at start
 * @param topicReplicationFactor replication for topics created at start; -1 = the broker's default
 * @param createTopics         create missing topics at start (else only validate)
 * @param windowSizes          tumbling window sizes for the analytics windows
 * @param windowGrace          how long after a window's end late scrapes are still counted
 * @param publishPodMetrics    publish per-pod records on pod-metrics (for downstream consumers; node-usage carries
 *                             the same values per node)
 * @param publishNodeMetrics   publish per-node records on node-metrics
 * @param rocksDbMemoryMib     native memory of all RocksDB stores together (block cache and memtables, shared);
 *                             0 = Kafka Streams' per-store defaults, unbounded
 * @param groupInstanceId      static group membership id (Kafka {@code group.instance.id}): a restarted instance
 *                             with the same id gets its partitions back at once, without waiting for the session
 *                             timeout; null for dynamic membership
 * @param ops                  the ops port ({@code /metrics}, {@code /livez}, {@code /readyz}) and its bind address
 * @param kafka                Kafka client settings passed through ({@code bootstrap.servers}, security...)
 */
public record AggregatorConfig(
        String applicationId,
        String topicPrefix,
        Path stateDir,
        Duration scrapeResolution,
        Duration stalenessBound,
        boolean stalenessBoundConfigured,
        Duration stalenessCheckInterval,
        int numStreamThreads,
        int numStandbyReplicas,
        String processingGuarantee,
        Duration commitInterval,
        int topicPartitions,
        short topicReplicationFactor,
        boolean createTopics,
        List<Duration> windowSizes,
        Duration windowGrace,
        boolean publishPodMetrics,
        boolean publishNodeMetrics,
        int rocksDbMemoryMib,
        String groupInstanceId,
        OpsSettings ops,
        KafkaSettings kafka) {

    public static final String DEFAULT_APPLICATION_ID = "metrics-stream-aggregator";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final int DEFAULT_ROCKSDB_MEMORY_MIB = 32;

    public AggregatorConfig {
        windowSizes = List.copyOf(windowSizes);
    }

    /** Reads and validates the settings; throws one ConfigException listing every problem. */
    public static AggregatorConfig from(Map<String, String> env) {
        return from(new EnvReader(env));
    }

    private static AggregatorConfig from(EnvReader reader) {
        String applicationId = reader.string("APPLICATION_ID", DEFAULT_APPLICATION_ID);
        String topicPrefix = reader.string("TOPIC_PREFIX", "");
        Path stateDir = reader.path("STATE_DIR",
                Path.of(System.getProperty("java.io.tmpdir"), "metrics-stream-aggregator").toString());
        Duration resolution = reader.duration("SCRAPE_RESOLUTION", Duration.ofSeconds(15), Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        boolean stalenessConfigured = reader.string("STALENESS_BOUND", null) != null;
        Duration staleness = reader.duration("STALENESS_BOUND", resolution.multipliedBy(3), Duration.ofSeconds(1),
                Duration.ofHours(24));
        Duration checkInterval = reader.duration("STALENESS_CHECK_INTERVAL", resolution, Duration.ofMillis(100),
                Duration.ofHours(1));
        int threads = reader.integer("NUM_STREAM_THREADS", 1, 1, 64);
        int standbys = reader.integer("NUM_STANDBY_REPLICAS", 0, 0, 10);
        String guarantee = reader.parsed("PROCESSING_GUARANTEE", StreamsConfig.AT_LEAST_ONCE,
                AggregatorConfig::guarantee);
        Duration commitInterval = reader.duration("COMMIT_INTERVAL", null, Duration.ofMillis(10),
                Duration.ofMinutes(10));
        int partitions = reader.integer("TOPIC_PARTITIONS", 6, 1, 10_000);
        int replication = reader.integer("TOPIC_REPLICATION_FACTOR", -1, -1, 32);
        reader.check(replication != 0, "TOPIC_REPLICATION_FACTOR must be -1 (broker default) or at least 1");
        boolean createTopics = reader.bool("CREATE_TOPICS", true);
        List<Duration> windowSizes = reader.parsed("WINDOW_SIZES",
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
                AggregatorConfig::durations);
        Duration grace = reader.duration("WINDOW_GRACE", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
        boolean publishPods = reader.bool("PUBLISH_POD_METRICS", true);
        boolean publishNodes = reader.bool("PUBLISH_NODE_METRICS", true);
        int rocksDbMemory = reader.integer("ROCKSDB_MEMORY_MIB", DEFAULT_ROCKSDB_MEMORY_MIB, 0, 1 << 20);
        String podName = reader.string("POD_NAME", "");
        String hostName = reader.string("HOSTNAME", "");
        String instanceId = reader.string("GROUP_INSTANCE_ID", podName.isBlank() ? hostName : podName).trim();
        OpsSettings ops = OpsSettings.from(reader, 8082);
        KafkaSettings kafka = KafkaSettings.from(reader, DEFAULT_BOOTSTRAP_SERVERS);

        reader.check(staleness.compareTo(resolution) > 0,
                "STALENESS_BOUND (" + Durations.format(staleness) + ") must be longer than SCRAPE_RESOLUTION ("
                        + Durations.format(resolution) + ")");
        reader.finish();
        return new AggregatorConfig(applicationId, topicPrefix, stateDir, resolution, staleness, stalenessConfigured,
                checkInterval,
                threads, standbys, guarantee, commitInterval, partitions, (short) replication, createTopics,
                windowSizes, grace, publishPods, publishNodes, rocksDbMemory, instanceId.isEmpty() ? null : instanceId,
                ops, kafka);
    }

    /** The Kafka Streams properties of this configuration (handlers and serdes are added by the caller). */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads);
        properties.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, numStandbyReplicas);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        if (commitInterval != null) {
            properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        }
        // record caches only delay our per-scrape output and cost ~30 % throughput (measured on a 150k-key RocksDB topology)
        properties.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // the main consumer's fetches wait up to 100 ms for up to 1 MiB instead of returning each scrape as it arrives:
        // fewer, fuller fetches (the gateway's loader does the same); KAFKA_FETCH_* still override
        putUnlessSet(properties, StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
        putUnlessSet(properties, StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        if (rocksDbMemoryMib > 0) {
            properties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
            properties.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, (long) rocksDbMemoryMib << 20);
        }
        if (groupInstanceId != null && !kafka.clientProperties().containsKey("group.instance.id")) {
            // static membership: a restarted instance (same pod name) rejoins with its old assignment at once
            // instead of leaving every node stale until the dead member's session times out
            properties.put(StreamsConfig.mainConsumerPrefix("group.instance.id"), groupInstanceId);
        }
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topicReplicationFactor);
        return properties;
    }

    private static void putUnlessSet(Properties properties, String prefixed, String plain, Object value) {
        if (!properties.containsKey(prefixed) && !properties.containsKey(plain)) {
            properties.put(prefixed, value);
        }
    }

    @Override
    public String toString() {
        return "AggregatorConfig[applicationId=" + applicationId + ", topicPrefix=" + topicPrefix
                + ", stateDir=" + stateDir + ", scrapeResolution=" + Durations.format(scrapeResolution)
                + ", stalenessBound=" + (stalenessBoundConfigured ? Durations.format(stalenessBound)
                        : "3 × the scrapes' resolution (until known: " + Durations.format(stalenessBound) + ")")
                + ", numStreamThreads=" + numStreamThreads + ", numStandbyReplicas=" + numStandbyReplicas
                + ", processingGuarantee=" + processingGuarantee + ", topicPartitions=" + topicPartitions
                + ", topicReplicationFactor=" + topicReplicationFactor + ", createTopics=" + createTopics
                + ", windowSizes=" + windowSizes.stream().map(Durations::format).toList()
                + ", windowGrace=" + Durations.format(windowGrace) + ", publishPodMetrics=" + publishPodMetrics
                + ", publishNodeMetrics=" + publishNodeMetrics + ", rocksDbMemoryMib=" + rocksDbMemoryMib
                + ", groupInstanceId=" + groupInstanceId
                + ", ops=" + ops + ", kafka=" + kafka + "]";
    }

    private static String guarantee(String value) {
        String normalized = value.toLowerCase(Locale.ROOT).replace('-', '_');
        if (!normalized.equals(StreamsConfig.AT_LEAST_ONCE) && !normalized.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new IllegalArgumentException("must be at_least_once or exactly_once_v2, got '" + value + "'");
        }
        return normalized;
    }

    private static List<Duration> durations(String value) {
        List<Duration> sizes = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                Duration size = Durations.parse(item.trim());
                if (size.isNegative() || size.isZero()) {
                    throw new IllegalArgumentException("window sizes must be positive, got '" + item.trim() + "'");
                }
                sizes.add(size);
            }
        }
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("at least one window size is needed");
        }
        return List.copyOf(sizes);
    }

    /** Every environment variable the aggregator reads (besides the {@code KAFKA_*} pass-through). */
    public static SortedSet<String> knownKeys() {
        return EnvReader.knownKeys(AggregatorConfig::from, List.of(Map.of()));
    }
}
