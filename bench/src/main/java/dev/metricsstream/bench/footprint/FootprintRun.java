package dev.metricsstream.bench.footprint;

import dev.metricsstream.bench.fleet.BrokerMain;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * What the collector footprint harnesses share: a run directory, the collector JVM's home and options
 * ({@code --java-home}, {@code --jvm-options}, {@code --nmt}, {@code --jfr}), a broker in its own process, the real
 * {@code CollectorMain} on its image's classpath, the result file, and stopping every process in the reverse order
 * of start (on Ctrl-C too).
 */
final class FootprintRun implements AutoCloseable {
    /** The bearer token the simulated kubelets expect and the collector sends. */
    static final String TOKEN = "footprint";

    private final Map<String, String> flags;
    private final Path dir;
    private final Path javaHome;
    private final List<String> jvmOptions;
    private final List<JavaProcess> processes = new ArrayList<>();
    private String bootstrap;

    private FootprintRun(Map<String, String> flags, Path dir, List<String> defaultJvmOptions) {
        this.flags = flags;
        this.dir = dir;
        this.javaHome = CollectorMeasurement.javaHome(flags);
        this.jvmOptions = CollectorMeasurement.jvmOptions(flags, defaultJvmOptions, dir);
    }

    /** Makes the run directory and starts the broker process; waits (at most 2 minutes) until it is up. */
    static FootprintRun start(Map<String, String> flags, String dirPrefix, List<String> defaultJvmOptions)
            throws Exception {
        FootprintRun run = new FootprintRun(flags, Files.createTempDirectory(dirPrefix), defaultJvmOptions);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run.processes.forEach(JavaProcess::close)));
        try {
            run.startBroker();
            return run;
        } catch (Exception e) {
            run.close();
            throw e;
        }
    }

    private void startBroker() throws Exception {
        BrokerMain.Started broker = BrokerMain.startProcess(dir, "512m", line -> { });
        processes.add(broker.process());
        bootstrap = broker.bootstrap();
    }

    Path dir() {
        return dir;
    }

    Path javaHome() {
        return javaHome;
    }

    List<String> jvmOptions() {
        return jvmOptions;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The topic the collector publishes to, and the measurement counts. */
    String topic() {
        return Topics.defaults().kubeletScrapes().name();
    }

    /** Creates {@link #topic()} with this many partitions. */
    void createTopic(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(Topics.defaults().kubeletScrapes().newTopic(partitions, (short) 1))).all()
                    .get();
        }
    }

    /**
     * The environment every measured collector gets: the simulator's CA and token, the resolution, the broker,
     * the ops port on the loopback, text logs. The harness adds its targets, metadata source and ops port.
     */
    Map<String, String> collectorEnv(KubeletSimulator sim, Duration resolution) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBELET_CA_FILE", sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt")).toString());
        env.put("TOKEN_FILE", Files.writeString(dir.resolve("token"), TOKEN).toString());
        env.put("SCRAPE_RESOLUTION", resolution.toSeconds() + "s");
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("OPS_HOST", "127.0.0.1");
        env.put("LOG_FORMAT", "text");
        return env;
    }

    /** Starts the real {@code CollectorMain} in its own JVM, on the collector image's classpath. */
    JavaProcess startCollector(Map<String, String> env) throws IOException {
        JavaProcess collector = JavaProcess.start(javaHome, CollectorMeasurement.collectorClasspath(flags),
                "collector", "dev.metricsstream.collector.CollectorMain", jvmOptions, env,
                dir.resolve("collector.log"), null);
        processes.add(collector);
        return collector;
    }

    /** Writes {@code result} as {@code <--results>/<UTC time>-<scenario>.json}; returns the file. */
    Path writeResult(Map<String, Object> result) throws IOException {
        return ResultFile.write(Path.of(flags.getOrDefault("results", "bench/results")),
                String.valueOf(result.get("scenario")), result);
    }

    /** {@code base}, then {@code -tag} when {@code --tag} is given. */
    String scenario(String base) {
        String tag = flags.getOrDefault("tag", "");
        return base + (tag.isEmpty() ? "" : "-" + tag);
    }

    /** Stops every process started, the last started first. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }
}
