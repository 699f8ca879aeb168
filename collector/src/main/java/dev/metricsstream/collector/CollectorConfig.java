package dev.metricsstream.collector;

import dev.metricsstream.collector.pool.NodeAddresses;
import dev.metricsstream.collector.pool.PoolSettings;
import dev.metricsstream.collector.pool.PoolSettings.TargetMode;
import dev.metricsstream.collector.pool.Shard;
import dev.metricsstream.collector.pool.StaticTargets;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.scrape.Sources;
import dev.metricsstream.common.config.EnvReader;
import dev.metricsstream.common.config.KafkaSettings;
import dev.metricsstream.common.config.OpsSettings;
import dev.metricsstream.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The collector's settings, read from environment variables (a map in tests) with every problem reported at once.
 *
 * @param targets the kubelets to scrape: the own node ({@code NODE_NAME}, {@code KUBELET_URL} or
 *     {@code https://$NODE_IP:10250}) or a static list ({@code KUBELET_TARGETS=name=url,...} or
 *     {@code KUBELET_TARGETS_FILE}), before sharding; empty in cluster mode (targets come from a node informer)
 * @param kafka producer settings: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the other {@code KAFKA_*} passed
 *     through
 * @param ops the ops port ({@code OPS_HOST}, {@code OPS_PORT})
 * @param pool target source, shard and node addressing (pool mode, see docs/pool-mode.md)
 * @param caFile CA bundle for the kubelet's serving certificate ({@code KUBELET_CA_FILE})
 * @param tokenFile bearer token for the kubelet ({@code KUBELET_TOKEN_FILE}, else {@code TOKEN_FILE}), or null
 * @param apiserverCaFile CA bundle for the apiserver ({@code APISERVER_CA_FILE}, else the kubelet's)
 * @param apiserverTokenFile bearer token for the apiserver ({@code APISERVER_TOKEN_FILE}, else {@code TOKEN_FILE}),
 *     or null
 */
public record CollectorConfig(
        List<ScrapeTarget> targets,
        Sources sources,
        Duration resolution,
        Duration scrapeTimeout,
        int scrapeConcurrency,
        Path caFile,
        boolean insecureTls,
        Path tokenFile,
        long maxResponseBytes,
        MetadataMode metadataMode,
        URI apiserverUrl,
        Duration nodeMetadataRefresh,
        int bufferScrapes,
        KafkaSettings kafka,
        String topicPrefix,
        OpsSettings ops,
        Duration shutdownTimeout,
        PoolSettings pool,
        Path apiserverCaFile,
        Path apiserverTokenFile) {

    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount/";
    public static final Duration MIN_RESOLUTION = Duration.ofSeconds(10);

    /** Where pod and node metadata come from ({@code METADATA_SOURCE}). */
    public enum MetadataMode { APISERVER, KUBELET, NONE }

    public CollectorConfig {
        targets = List.copyOf(targets);
    }

    public static CollectorConfig from(Map<String, String> env) {
        return from(new EnvReader(env));
    }

    private static CollectorConfig from(EnvReader r) {
        PoolSettings pool = poolSettings(r);
        List<ScrapeTarget> targets = targets(r, pool);
        Sources sources = r.enumValue("KUBELET_SOURCE", Sources.class, Sources.METRICS_RESOURCE);
        Duration resolution = r.duration("SCRAPE_RESOLUTION", Duration.ofSeconds(15), MIN_RESOLUTION,
                Duration.ofMinutes(10));
        Duration defaultTimeout = Duration.ofSeconds(10).compareTo(resolution.multipliedBy(6).dividedBy(10)) < 0
                ? Duration.ofSeconds(10) : resolution.multipliedBy(6).dividedBy(10);
        Duration timeout = r.duration("SCRAPE_TIMEOUT", defaultTimeout, Duration.ofMillis(100), Duration.ofMinutes(9));
        r.check(timeout.toMillis() < resolution.toMillis() * 9 / 10,
                "SCRAPE_TIMEOUT must be shorter than 0.9 × SCRAPE_RESOLUTION (" + resolution.toMillis() * 9 / 10
                        + " ms), got " + timeout.toMillis() + " ms");
        int defaultConcurrency = pool.mode() == TargetMode.CLUSTER ? 32 : Math.min(Math.max(targets.size(), 1), 32);
        int concurrency = r.integer("SCRAPE_CONCURRENCY", defaultConcurrency, 1, 1024);
        boolean insecure = r.bool("KUBELET_INSECURE_TLS", false);
        Path caFile = r.path("KUBELET_CA_FILE", SERVICE_ACCOUNT_DIR + "ca.crt");
        if (!insecure && caFile != null && !Files.isReadable(caFile)) {
            r.check(false, "KUBELET_CA_FILE " + caFile + " is not readable (the kubelet's serving certificate is "
                    + "verified against it; KUBELET_INSECURE_TLS=true skips verification)");
        }
        Path sharedToken = tokenFile(r, "TOKEN_FILE", defaultToken());
        Path tokenFile = tokenFile(r, "KUBELET_TOKEN_FILE", sharedToken);
        Path apiserverToken = tokenFile(r, "APISERVER_TOKEN_FILE", sharedToken);
        Path apiserverCa = r.path("APISERVER_CA_FILE", caFile == null ? null : caFile.toString());
        if (r.string("APISERVER_CA_FILE", null) != null && apiserverCa != null) {
            r.check(Files.isReadable(apiserverCa), "APISERVER_CA_FILE " + apiserverCa + " is not readable");
        }
        long maxBytes = r.number("MAX_RESPONSE_BYTES", 32L * 1024 * 1024, 64 * 1024, 1024L * 1024 * 1024);
        MetadataMode metadata = r.enumValue("METADATA_SOURCE", MetadataMode.class, MetadataMode.APISERVER);
        URI apiserver = apiserverUrl(r, metadata);
        Duration nodeRefresh = r.duration("NODE_METADATA_REFRESH", Duration.ofMinutes(1), Duration.ofSeconds(5),
                Duration.ofHours(1));
        int buffer = r.integer("BUFFER_SCRAPES", 20, 1, 100_000);
        KafkaSettings kafka = KafkaSettings.from(r, null);
        String prefix = r.parsed("TOPIC_PREFIX", "", value -> {
            Topics.withPrefix(value); // validates the prefix
            return value;
        });
        OpsSettings ops = OpsSettings.from(r, 8081);
        Duration shutdown = r.duration("SHUTDOWN_TIMEOUT", Duration.ofSeconds(20), Duration.ofSeconds(1),
                Duration.ofMinutes(5));
        r.finish();
        return new CollectorConfig(targets, sources, resolution, timeout, concurrency, caFile, insecure, tokenFile,
                maxBytes, metadata, apiserver, nodeRefresh, buffer, kafka, prefix, ops, shutdown, pool,
                apiserverCa, apiserverToken);
    }

    private static PoolSettings poolSettings(EnvReader r) {
        boolean listed = r.string("KUBELET_TARGETS", null) != null || r.string("KUBELET_TARGETS_FILE", null) != null;
        TargetMode mode = r.enumValue("TARGET_SOURCE", TargetMode.class,
                listed ? TargetMode.STATIC : TargetMode.OWN_NODE);
        int replicas = r.integer("POOL_REPLICAS", 1, 1, 10_000);
        String podName = r.string("POD_NAME", r.string("HOSTNAME", null));
        int fromName = Shard.ordinalFromPodName(podName);
        int ordinal = 0;
        if (r.string("POOL_ORDINAL", null) != null) {
            ordinal = r.integer("POOL_ORDINAL", 0, 0, 9_999);
        } else if (replicas > 1) {
            r.check(fromName >= 0, "POOL_REPLICAS=" + replicas + " needs POOL_ORDINAL or a pod name ending in "
                    + "-<ordinal> (POD_NAME or HOSTNAME, as a StatefulSet gives), got '" + podName + "'");
            ordinal = Math.max(fromName, 0);
        }
        r.check(ordinal < replicas, "POOL_ORDINAL must be below POOL_REPLICAS (" + replicas + "), got " + ordinal);
        r.check(replicas == 1 || mode != TargetMode.OWN_NODE,
                "POOL_REPLICAS > 1 shards a target list; TARGET_SOURCE=own-node has one target");
        List<String> types = r.list("KUBELET_PREFERRED_ADDRESS_TYPES", NodeAddresses.DEFAULT_TYPES);
        for (String type : types) {
            r.check(NodeAddresses.KNOWN_TYPES.contains(type), "KUBELET_PREFERRED_ADDRESS_TYPES entry '" + type
                    + "' must be one of " + NodeAddresses.KNOWN_TYPES);
        }
        r.check(!types.isEmpty(), "KUBELET_PREFERRED_ADDRESS_TYPES must name at least one address type");
        int port = r.integer("KUBELET_PORT", 10250, 1, 65535);
        boolean statusPort = r.bool("KUBELET_USE_NODE_STATUS_PORT", true);
        Path file = r.path("KUBELET_TARGETS_FILE", null);
        Shard shard = ordinal < replicas ? new Shard(ordinal, replicas) : Shard.ALL;
        return new PoolSettings(mode, shard, new NodeAddresses(types, port, statusPort, "https"), file);
    }

    private static List<ScrapeTarget> targets(EnvReader r, PoolSettings pool) {
        if (pool.mode() == TargetMode.CLUSTER) {
            r.check(r.string("KUBELET_TARGETS", null) == null && pool.targetsFile() == null,
                    "TARGET_SOURCE=cluster takes its targets from the apiserver; unset KUBELET_TARGETS(_FILE)");
            return List.of();
        }
        if (pool.mode() == TargetMode.STATIC) {
            List<String> list = r.list("KUBELET_TARGETS", List.of());
            r.check(list.isEmpty() || pool.targetsFile() == null,
                    "set KUBELET_TARGETS or KUBELET_TARGETS_FILE, not both");
            StaticTargets.Parsed parsed;
            if (pool.targetsFile() != null) {
                try {
                    parsed = StaticTargets.readFile(pool.targetsFile());
                } catch (IOException e) {
                    r.check(false, "KUBELET_TARGETS_FILE " + pool.targetsFile() + " cannot be read: " + e);
                    return List.of();
                }
            } else {
                parsed = StaticTargets.parseList(list, "KUBELET_TARGETS");
            }
            parsed.problems().forEach(problem -> r.check(false, problem));
            r.check(!parsed.targets().isEmpty() || !parsed.problems().isEmpty(),
                    "TARGET_SOURCE=static needs at least one name=url in KUBELET_TARGETS or KUBELET_TARGETS_FILE");
            return parsed.targets();
        }
        String node = r.required("NODE_NAME");
        String nodeIp = r.string("NODE_IP", null);
        URI url = r.uri("KUBELET_URL", nodeIp == null ? null : "https://" + hostPart(nodeIp) + ":10250");
        if (url == null && nodeIp == null && r.string("KUBELET_URL", null) == null) {
            r.check(false, "KUBELET_URL or NODE_IP is required");
        }
        return node == null || url == null ? List.of() : List.of(new ScrapeTarget(node, url));
    }

    private static String hostPart(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip; // IPv6 literal
    }

    private static Path defaultToken() {
        Path fallback = Path.of(SERVICE_ACCOUNT_DIR + "token");
        return Files.exists(fallback) ? fallback : null;
    }

    /** A token file variable: unset → {@code fallback}, {@code none} → no token, else a readable file. */
    private static Path tokenFile(EnvReader r, String key, Path fallback) {
        String value = r.string(key, null);
        if (value == null) {
            return fallback;
        }
        if (value.toLowerCase(Locale.ROOT).equals("none")) {
            return null;
        }
        Path path = Path.of(value);
        r.check(Files.isReadable(path), key + " " + path + " is not readable");
        return path;
    }

    private static URI apiserverUrl(EnvReader r, MetadataMode mode) {
        String host = r.string("KUBERNETES_SERVICE_HOST", null);
        String port = r.string("KUBERNETES_SERVICE_PORT", "443");
        String inCluster = host == null ? null : "https://" + hostPart(host) + ":" + port;
        URI url = r.uri("APISERVER_URL", inCluster);
        if (mode == MetadataMode.APISERVER) {
            r.check(url != null, "METADATA_SOURCE=apiserver needs APISERVER_URL or the in-cluster "
                    + "KUBERNETES_SERVICE_HOST (or use METADATA_SOURCE=kubelet or none)");
        }
        return url;
    }

    /** The topics this installation uses (all names with {@code TOPIC_PREFIX}). */
    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /** One line per setting, secrets hidden, for the start-up log. */
    public String describe() {
        Map<String, Object> shown = new TreeMap<>();
        shown.put("targets", pool.mode() == TargetMode.CLUSTER ? "cluster nodes " + pool.addresses()
                : targets.size() > 10 ? targets.size() + " static targets" : targets);
        shown.put("shard", pool.shard());
        shown.put("sources", sources.configName());
        shown.put("resolution", resolution);
        shown.put("scrapeTimeout", scrapeTimeout);
        shown.put("scrapeConcurrency", scrapeConcurrency);
        shown.put("kubeletCaFile", insecureTls ? "(not verified)" : caFile);
        shown.put("kubeletTokenFile", tokenFile);
        shown.put("apiserverCaFile", apiserverCaFile);
        shown.put("apiserverTokenFile", apiserverTokenFile);
        shown.put("maxResponseBytes", maxResponseBytes);
        shown.put("metadata", metadataMode);
        shown.put("bufferScrapes", bufferScrapes);
        shown.put("topicPrefix", topicPrefix);
        shown.put("ops", ops);
        shown.put("kafka", kafka);
        return shown.toString();
    }

    @Override
    public String toString() {
        return "CollectorConfig" + describe();
    }

    /**
     * Every environment variable the collector reads (besides the {@code KAFKA_*} pass-through), found by running
     * the parser over each branch (own node, static target list, cluster); for the configuration reference and its tests.
     */
    public static SortedSet<String> knownKeys() {
        return EnvReader.knownKeys(CollectorConfig::from, List.of(Map.of(), Map.of("KUBELET_TARGETS", "n=https://n:1"),
                Map.of("TARGET_SOURCE", "cluster")));
    }
}
