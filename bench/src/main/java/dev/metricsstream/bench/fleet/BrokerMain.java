package dev.metricsstream.bench.fleet;

import dev.metricsstream.bench.process.JavaProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker (combined broker + controller, temporary log directory) in its own process, so the
 * benchmark measures the broker's CPU and memory apart from the services. Prints {@code BOOTSTRAP host:port} once
 * it accepts requests, then every second {@code KAFKA_BYTES <bytesIn> <bytesOut>} (cumulative, all topics).
 */
public final class BrokerMain {
    private static final String BOOTSTRAP = "BOOTSTRAP ";

    private BrokerMain() {
    }

    /** A broker process that accepts requests at {@code bootstrap}. */
    public record Started(JavaProcess process, String bootstrap) {
    }

    /**
     * Starts this main as its own process with a heap of {@code heap} (e.g. {@code 512m}), logging to
     * {@code runDir/broker.log}, and waits (at most 2 minutes) until it accepts requests; every other line it prints
     * (the {@code KAFKA_BYTES} counters) goes to {@code otherLines}.
     */
    public static Started startProcess(Path runDir, String heap, Consumer<String> otherLines)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        JavaProcess broker = JavaProcess.start("broker", BrokerMain.class.getName(),
                List.of("-Xmx" + heap, "-Xms64m", "-XX:+UseG1GC"), Map.of(), runDir.resolve("broker.log"), line -> {
                    if (line.startsWith(BOOTSTRAP)) {
                        ready.complete(line.substring(BOOTSTRAP.length()).trim());
                    } else {
                        otherLines.accept(line);
                    }
                });
        try {
            return new Started(broker, ready.get(120, TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            broker.close();
            throw e;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Short> features = new HashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            if (feature != Feature.KRAFT_VERSION) {
                features.put(feature.featureName(), feature.latestProduction());
            }
        }
        TestKitNodes nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(
                MetadataVersion.latestProduction(), features, "metrics-stream bench"))
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20))
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                System.out.println("[broker] close failed: " + e);
            }
        }, "broker-shutdown"));
        System.out.println(BOOTSTRAP + cluster.bootstrapServers());
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName in = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec");
        ObjectName out = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec");
        CountDownLatch never = new CountDownLatch(1);
        while (never.getCount() > 0) {
            System.out.println("KAFKA_BYTES " + count(jmx, in) + " " + count(jmx, out));
            never.await(1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static long count(MBeanServer jmx, ObjectName name) {
        try {
            return ((Number) jmx.getAttribute(name, "Count")).longValue();
        } catch (Exception e) {
            return -1;
        }
    }
}
