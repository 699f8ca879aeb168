package dev.metricsstream.bench.fleet;

import dev.metricsstream.common.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark's flags ({@code --name value}); every problem reported at once.
 *
 * @param kafka        an existing broker's bootstrap servers, or null to start one in its own process
 * @param queryRate    HPA-shaped queries per second (namespace + labelSelector)
 * @param topInterval  how often a {@code kubectl top}-shaped pair (all pods, all nodes) is asked
 */
public record FleetOptions(int nodes, int podsPerNode, Duration resolution, Duration duration, Duration warmup,
                           String kafka, double queryRate, Duration topInterval, String scenario, Path resultsDir,
                           int partitions, String aggregatorHeap, String gatewayHeap, String brokerHeap,
                           double podChurnPerScrape, double restartPerScrape, int probedNodes, long seed,
                           Map<String, String> aggregatorEnv, Map<String, String> gatewayEnv,
                           List<String> aggregatorJvm, List<String> gatewayJvm, String combinedHeap) {

    /** Whether aggregator and gateway run in one JVM ({@code --combined-heap}). */
    public boolean combined() {
        return combinedHeap != null;
    }

    /** The JVM flags besides {@code -Xmx} when none are given: what the images run (G1, exit on OOM). */
    public static final List<String> DEFAULT_JVM = List.of("-Xms64m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");

    static final String USAGE = """
            metrics-stream bench [flags]   (dev.metricsstream.bench.fleet.FleetBenchMain)
              --nodes N              simulated nodes (default 1000)
              --pods-per-node N      pods per node (default 30)
              --resolution D         scrape interval per node (default 15s)
              --duration D           measured time after the warmup (default 3m)
              --warmup D             time before measuring (default 45s)
              --kafka HOST:PORT      use this broker instead of starting one in its own process
              --query-rate Q         HPA-shaped queries per second (default 2)
              --top-interval D       every D one all-pods and one all-nodes query, kubectl-top shaped (default 15s)
              --scenario NAME        result file name part (default fleet-<nodes>n)
              --results DIR          where the result JSON goes (default bench/results)
              --partitions N         kubelet-scrapes partitions the aggregator creates (default 6)
              --aggregator-heap S    -Xmx of the aggregator (default 1g); --gateway-heap (1g); --broker-heap (768m)
              --pod-churn P          chance per pod per scrape of being replaced by a new pod (default 0.002)
              --restart P            chance per container per scrape of a restart (default 0.001)
              --probed-nodes N       nodes whose freshness is probed through the gateway (default 16)
              --seed N               random seed (default 42)
              --aggregator-env K=V;K=V  extra aggregator environment, e.g. "WINDOW_SIZES=1h;NUM_STREAM_THREADS=2"
              --gateway-env K=V;K=V  extra gateway environment, e.g. "JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=..."
              --aggregator-jvm "F F"  JVM flags besides -Xmx, replacing "-Xms64m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
                                     e.g. "-XX:+UseSerialGC -Xss256k"; --gateway-jvm the same for the gateway
              --combined-heap S      run aggregator and gateway in ONE JVM (CombinedMain) with -Xmx S and the
                                     --aggregator-jvm flags; --aggregator-env/--gateway-env still go to each service
            """;

    public static FleetOptions parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (!arg.startsWith("--")) {
                problems.add("unexpected argument '" + arg + "'");
                continue;
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                problems.add("--" + name + " needs a value");
                continue;
            }
            flags.put(name, value);
        }
        Reader r = new Reader(flags, problems);
        int nodes = r.integer("nodes", 1000, 1, 1_000_000);
        int pods = r.integer("pods-per-node", 30, 0, 1000);
        Duration resolution = r.duration("resolution", "15s");
        Duration duration = r.duration("duration", "3m");
        Duration warmup = r.duration("warmup", "45s");
        String kafka = flags.remove("kafka");
        double queryRate = r.decimal("query-rate", 2);
        Duration top = r.duration("top-interval", "15s");
        String scenario = flags.getOrDefault("scenario", "fleet-" + nodes + "n");
        flags.remove("scenario");
        Path results = Path.of(flags.getOrDefault("results", "bench/results"));
        flags.remove("results");
        int partitions = r.integer("partitions", 6, 1, 1000);
        String aggHeap = r.text("aggregator-heap", "1g");
        String gwHeap = r.text("gateway-heap", "1g");
        String brokerHeap = r.text("broker-heap", "768m");
        double churn = r.decimal("pod-churn", 0.002);
        double restart = r.decimal("restart", 0.001);
        int probed = r.integer("probed-nodes", 16, 1, 1000);
        long seed = r.integer("seed", 42, 0, Integer.MAX_VALUE);
        Map<String, String> aggregatorEnv = env(flags.remove("aggregator-env"), "aggregator-env", problems);
        Map<String, String> gatewayEnv = env(flags.remove("gateway-env"), "gateway-env", problems);
        List<String> aggregatorJvm = jvmFlags(flags.remove("aggregator-jvm"));
        List<String> gatewayJvm = jvmFlags(flags.remove("gateway-jvm"));
        String combinedHeap = flags.remove("combined-heap");
        for (String unknown : flags.keySet()) {
            problems.add("unknown flag --" + unknown);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems) + "\n\n" + USAGE);
        }
        return new FleetOptions(nodes, pods, resolution, duration, warmup, kafka, queryRate, top, scenario, results,
                partitions, aggHeap, gwHeap, brokerHeap, churn, restart, Math.min(probed, nodes), seed,
                aggregatorEnv, gatewayEnv, aggregatorJvm, gatewayJvm, combinedHeap);
    }

    /** The flags of an {@code --xxx-jvm} value, split on blanks (null: the default). */
    private static List<String> jvmFlags(String flag) {
        return flag == null ? DEFAULT_JVM : List.of(flag.trim().split("\\s+"));
    }

    /** {@code K=V;K=V} of an {@code --xxx-env} flag (null: none), a problem per malformed pair. */
    private static Map<String, String> env(String flag, String name, List<String> problems) {
        Map<String, String> env = new java.util.TreeMap<>();
        if (flag != null) {
            for (String pair : flag.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    problems.add("--" + name + " wants KEY=VALUE pairs separated by ';', got '" + pair + "'");
                } else {
                    env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        return Map.copyOf(env);
    }

    private record Reader(Map<String, String> flags, List<String> problems) {
        int integer(String name, int fallback, int min, int max) {
            String value = flags.remove(name);
            if (value == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value.replace("_", "").replace(",", ""));
                if (parsed < min || parsed > max) {
                    problems.add("--" + name + " must be in [" + min + ", " + max + "], got " + parsed);
                }
                return parsed;
            } catch (NumberFormatException e) {
                problems.add("--" + name + " must be a whole number, got '" + value + "'");
                return fallback;
            }
        }

        double decimal(String name, double fallback) {
            String value = flags.remove(name);
            if (value == null) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(value);
                if (parsed < 0) {
                    problems.add("--" + name + " must not be negative, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                problems.add("--" + name + " must be a number, got '" + value + "'");
                return fallback;
            }
        }

        Duration duration(String name, String fallback) {
            String value = flags.remove(name);
            try {
                Duration parsed = Durations.parse(value == null ? fallback : value);
                if (parsed.isNegative() || parsed.isZero()) {
                    problems.add("--" + name + " must be positive");
                }
                return parsed;
            } catch (RuntimeException e) {
                problems.add("--" + name + ": " + e.getMessage());
                return Duration.ofSeconds(1);
            }
        }

        String text(String name, String fallback) {
            String value = flags.remove(name);
            return value == null ? fallback : value;
        }
    }
}
