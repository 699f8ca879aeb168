package dev.metricsstream.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (broker and controller in one) whose data lives in a directory that outlives the
 * process: the storage is formatted on the first start only, so topics, offsets and the cluster id survive a restart.
 * Listeners are on loopback; internal topics have one replica.
 */
public final class EmbeddedKafka implements AutoCloseable {
    static final String META_PROPERTIES = "meta.properties";
    private static final int NODE_ID = 1;
    private static final String DEDUPE_BUFFER_BYTES = Integer.toString(8 * 1024 * 1024);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String clusterId;
    private final boolean formatted;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, String clusterId, boolean formatted) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.clusterId = clusterId;
        this.formatted = formatted;
    }

    /**
     * Starts the broker with its data under {@code dataDir}, on the given loopback ports, and waits until it answers.
     *
     * @param brokerPort     client listener port
     * @param controllerPort controller listener port
     */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort, Duration readyTimeout)
            throws Exception {
        Files.createDirectories(dataDir);
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // the 128 MiB default dedupe buffer costs ~120 MiB RSS
        props.put("log.cleaner.dedupe.buffer.size", DEDUPE_BUFFER_BYTES);
        // topics are created by the aggregator with their cleanup policies; an auto-created one would be wrong
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        props.put("log.retention.hours", "24");
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        boolean format = !Files.exists(dataDir.resolve(META_PROPERTIES));
        if (format) {
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(false);
            formatter.run();
        }
        String clusterId = readClusterId(dataDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrap = "127.0.0.1:" + brokerPort;
        try {
            server.startup();
            awaitReady(bootstrap, readyTimeout);
        } catch (Exception e) {
            shutdown(server);
            throw e;
        }
        return new EmbeddedKafka(server, bootstrap, clusterId, format);
    }

    /** The cluster id written when the storage was formatted, or null when there is none yet. */
    public static String readClusterId(Path dataDir) throws IOException {
        Path meta = dataDir.resolve(META_PROPERTIES);
        if (!Files.exists(meta)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            properties.load(in);
        }
        return properties.getProperty("cluster.id");
    }

    private static void awaitReady(String bootstrap, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String clusterId() {
        return clusterId;
    }

    /** True when this start formatted fresh storage, false when it reused earlier data. */
    public boolean formatted() {
        return formatted;
    }

    @Override
    public void close() {
        shutdown(server);
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
