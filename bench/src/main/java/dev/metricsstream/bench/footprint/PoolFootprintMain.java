package dev.metricsstream.bench.footprint;

import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pool replica's footprint: the real {@code CollectorMain} in its own JVM with {@code TARGET_SOURCE=cluster} and
 * {@code METADATA_SOURCE=apiserver} scrapes {@code --nodes} simulated kubelets (HTTPS, bearer token, one port each,
 * in this JVM) that an apiserver double lists as Nodes with their pods, and publishes to a broker in a third
 * process. Measured like the DaemonSet footprint ({@link CollectorMeasurement}: /proc, records in Kafka, jcmd at the
 * end; nothing reads the collector's ports while it runs). metrics-server v0.7.0 on this machine type, for
 * comparison: 500 nodes 0.029 cores / 268 MiB, 1,000 nodes 0.053 cores / 490 MiB (its whole process).
 * <p>{@code java -cp ... dev.metricsstream.bench.footprint.PoolFootprintMain [--nodes 1000] [--pods 30]
 * [--resolution 15s] [--duration 3m] [--settle 45s] [--nmt] [--jfr file.jfr] [--java-home ...]
 * [--jvm-options "..."] [--env KEY=V,KEY=V] [--tag name] [--results bench/results]}
 */
public final class PoolFootprintMain {
    /** collector/README.md, "Pool mode": a pool replica's JVM options. */
    static final List<String> POOL_JVM_OPTIONS = List.of("-Xmx192m", "-Xms64m", "-XX:+UseSerialGC", "-Xss256k",
            "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=48m", "-XX:CICompilerCount=2");

    private PoolFootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = CollectorMeasurement.flags(args);
        int nodes = Integer.parseInt(flags.getOrDefault("nodes", "1000"));
        int pods = Integer.parseInt(flags.getOrDefault("pods", "30"));
        Duration resolution = Durations.parse(flags.getOrDefault("resolution", "15s"));
        Duration duration = Durations.parse(flags.getOrDefault("duration", "3m"));
        Duration settle = Durations.parse(flags.getOrDefault("settle", "45s"));
        try (FootprintRun run = FootprintRun.start(flags, "metrics-stream-pool-footprint-", POOL_JVM_OPTIONS);
             KubeletSimulator sim = KubeletSimulator.builder().nodes(nodes).podsPerNode(pods)
                     .token(FootprintRun.TOKEN).build().start();
             ApiServerDouble apiserver = new ApiServerDouble(sim.nodes())) {
            run.createTopic(3);
            Map<String, String> env = run.collectorEnv(sim, resolution);
            env.put("TARGET_SOURCE", "cluster");
            env.put("POOL_REPLICAS", "1");
            env.put("APISERVER_URL", apiserver.url().toString());
            env.put("METADATA_SOURCE", "apiserver");
            env.put("OPS_PORT", "0");
            env.put("MALLOC_ARENA_MAX", "2");
            if (flags.containsKey("env")) {
                for (String pair : flags.get("env").split(",")) {
                    int eq = pair.indexOf('=');
                    env.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            JavaProcess collector = run.startCollector(env);
            try (CollectorMeasurement measurement = new CollectorMeasurement(collector, run.javaHome(),
                    run.bootstrap(), run.topic())) {
                long firstPublishMillis = measurement.awaitFirstRecordMillis(Duration.ofSeconds(180));
                if (firstPublishMillis < 0) {
                    throw new IllegalStateException("the collector published nothing within 180 s; see " + run.dir());
                }
                System.out.printf(Locale.ROOT, "pool replica pid %d: %d nodes × %d pods, first scrape in Kafka %d ms"
                        + " after launch; settling %d s, then measuring for %d s (logs in %s)%n", collector.pid(),
                        nodes, pods, firstPublishMillis, settle.toSeconds(), duration.toSeconds(), run.dir());
                CollectorMeasurement.sleep(settle.toMillis());
                Map<String, Object> measured = measurement.measure(duration);
                double expected = nodes * (duration.toMillis() / (double) resolution.toMillis());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("scenario", run.scenario("pool-footprint-" + nodes + "n"));
                result.put("machine", Machine.describe());
                result.put("javaHome", run.javaHome().toString());
                result.put("jvmOptions", run.jvmOptions());
                Map<String, String> shownEnv = new LinkedHashMap<>(env);
                shownEnv.keySet().removeIf(k -> k.endsWith("_FILE") || k.equals("APISERVER_URL")
                        || k.equals("KAFKA_BOOTSTRAP_SERVERS"));
                result.put("env", shownEnv);
                result.put("nodes", nodes);
                result.put("podsPerNode", pods);
                result.put("resolutionSeconds", resolution.toSeconds());
                result.put("firstScrapePublishedMillis", firstPublishMillis);
                result.put("scrapesExpected", expected);
                result.putAll(measured);
                result.put("metricsServerV070SameMachineType", Map.of(
                        "500nodes", Map.of("cores", 0.029, "rssMiB", 268),
                        "1000nodes", Map.of("cores", 0.053, "rssMiB", 490)));
                Path out = run.writeResult(result);
                System.out.printf(Locale.ROOT, "%nfirst scrape %d ms | CPU %.3f cores | RSS avg %.1f MiB, peak %.1f"
                        + " MiB | %s of %.0f scrapes | threads %s | NMT %s%nresult: %s%n", firstPublishMillis,
                        (Double) measured.get("cpuCoresAverage"), (Double) measured.get("rssAverageMiB"),
                        (Double) measured.get("rssPeakSinceLaunchMiB"), measured.get("scrapesPublished"), expected,
                        measured.get("threads"), measured.get("nativeMemoryCommittedKiB"), out);
            }
        }
    }
}
