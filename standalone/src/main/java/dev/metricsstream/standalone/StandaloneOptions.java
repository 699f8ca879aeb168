package dev.metricsstream.standalone;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.pool.StaticTargets;
import dev.metricsstream.common.config.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standalone command line, parsed and checked at once.
 *
 * @param workDir         --work-dir: broker data, state stores, kubeconfig (reused by the next start)
 * @param kafka           --kafka HOST:PORT: an existing Kafka instead of the embedded broker (null: embedded)
 * @param nodes           --nodes: simulated nodes
 * @param podsPerNode     --pods-per-node: simulated pods per node
 * @param kubeletUrl      --kubelet URL: scrape this real kubelet instead of the simulator (null: simulator)
 * @param nodeName        --node-name: the real kubelet's node name (default: the URL's host)
 * @param tokenFile       --token-file: bearer token for real kubelets
 * @param kubeletCaFile   --kubelet-ca: CA bundle for real kubelets (null: certificates not verified, said loudly)
 * @param kubeletTargets  --kubelets FILE: real kubelets, {@code name=url} per line (empty: none)
 * @param httpsPort       --https-port: the gateway's HTTPS port
 * @param httpPort        --http-port: the gateway's plain-HTTP port (0 = off)
 * @param resolution      --resolution: scrape interval (10 s … 10 min, Go-style duration)
 * @param help            --help given
 */
public record StandaloneOptions(
        Path workDir,
        String kafka,
        int nodes,
        int podsPerNode,
        URI kubeletUrl,
        String nodeName,
        Path tokenFile,
        Path kubeletCaFile,
        Map<String, URI> kubeletTargets,
        int httpsPort,
        int httpPort,
        Duration resolution,
        boolean help) {

    public static final String USAGE = String.join("\n",
            "usage: metrics-stream up [flags]",
            "",
            "Runs the whole pipeline in one process: embedded Kafka (KRaft), simulated kubelets, collector,",
            "aggregator and the metrics API gateway (authentication off, loopback only).",
            "",
            "  --work-dir DIR          data, state and kubeconfig, reused on the next start",
            "                          (default ./.metrics-stream in the repository, else ~/.metrics-stream)",
            "  --nodes N               simulated nodes (default 3)",
            "  --pods-per-node N       simulated pods per node (default 20)",
            "  --resolution D          scrape interval, 10s..10m (default 15s)",
            "  --https-port P          gateway HTTPS port (default 8443)",
            "  --http-port P           gateway plain-HTTP port, 0 = off (default 8080)",
            "  --kafka HOST:PORT       use this Kafka instead of the embedded broker",
            "  --kubelet URL           scrape this real kubelet instead of the simulator (with --token-file)",
            "  --node-name NAME        node name of --kubelet (default: the URL's host)",
            "  --kubelets FILE         scrape real kubelets listed as name=url, one per line (with --token-file)",
            "  --token-file FILE       bearer token for real kubelets",
            "  --kubelet-ca FILE       CA bundle for real kubelets (default: certificates NOT verified)",
            "  --help                  this text");

    static final Duration MIN_RESOLUTION = Duration.ofSeconds(10);
    static final Duration MAX_RESOLUTION = Duration.ofMinutes(10);

    /** True when the pipeline scrapes the kubelet simulator. */
    public boolean simulated() {
        return kubeletUrl == null && kubeletTargets.isEmpty();
    }

    /** True when the embedded broker runs. */
    public boolean embeddedKafka() {
        return kafka == null;
    }

    /** Parses {@code args}; every problem in one message. */
    public static StandaloneOptions parse(String[] args, Path defaultWorkDir) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        boolean help = false;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else if (arg.startsWith("--")) {
                name = arg.substring(2);
                if (!FLAGS.contains(name)) {
                    problems.add("unknown flag " + arg);
                    continue;
                }
                if (i + 1 >= args.length) {
                    problems.add(arg + " needs a value");
                    continue;
                }
                value = args[++i];
            } else {
                problems.add("unexpected argument '" + arg + "'");
                continue;
            }
            if (!FLAGS.contains(name)) {
                problems.add("unknown flag --" + name);
            } else if (values.put(name, value) != null) {
                problems.add("--" + name + " given twice");
            }
        }
        Path workDir = values.containsKey("work-dir") ? Path.of(values.get("work-dir")) : defaultWorkDir;
        String kafka = values.get("kafka");
        if (kafka != null && !kafka.matches("[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*")) {
            problems.add("--kafka must be HOST:PORT[,HOST:PORT...], got '" + kafka + "'");
        }
        int nodes = integer(values, "nodes", 3, 1, 500, problems);
        int pods = integer(values, "pods-per-node", 20, 0, 1000, problems);
        int https = integer(values, "https-port", 8443, 0, 65535, problems);
        int http = integer(values, "http-port", 8080, 0, 65535, problems);
        if (http != 0 && http == https) {
            problems.add("--http-port and --https-port must differ, both are " + http);
        }
        Duration resolution = Duration.ofSeconds(15);
        if (values.containsKey("resolution")) {
            try {
                resolution = Durations.parse(values.get("resolution"));
                if (resolution.compareTo(MIN_RESOLUTION) < 0 || resolution.compareTo(MAX_RESOLUTION) > 0) {
                    problems.add("--resolution must be between 10s and 10m, got " + values.get("resolution"));
                }
            } catch (IllegalArgumentException e) {
                problems.add("--resolution: " + e.getMessage());
            }
        }
        URI kubelet = null;
        if (values.containsKey("kubelet")) {
            kubelet = url(values.get("kubelet"), "--kubelet", problems);
        }
        Map<String, URI> targets = new LinkedHashMap<>();
        if (values.containsKey("kubelets")) {
            targets = targetsFile(Path.of(values.get("kubelets")), problems);
        }
        if (kubelet != null && values.containsKey("kubelets")) {
            problems.add("give --kubelet or --kubelets, not both");
        }
        Path tokenFile = values.containsKey("token-file") ? Path.of(values.get("token-file")) : null;
        boolean real = kubelet != null || values.containsKey("kubelets");
        if (real && tokenFile == null) {
            problems.add("--kubelet/--kubelets need --token-file (a token allowed to read nodes/metrics)");
        }
        if (tokenFile != null && !Files.isReadable(tokenFile)) {
            problems.add("--token-file " + tokenFile + " is not a readable file");
        }
        if (!real) {
            for (String flag : List.of("token-file", "node-name", "kubelet-ca")) {
                if (values.containsKey(flag)) {
                    problems.add("--" + flag + " needs --kubelet or --kubelets");
                }
            }
        }
        Path ca = values.containsKey("kubelet-ca") ? Path.of(values.get("kubelet-ca")) : null;
        if (ca != null && !Files.isReadable(ca)) {
            problems.add("--kubelet-ca " + ca + " is not a readable file");
        }
        String nodeName = values.get("node-name");
        if (nodeName == null && kubelet != null) {
            nodeName = kubelet.getHost();
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("; ", problems) + " (see --help)");
        }
        return new StandaloneOptions(workDir.toAbsolutePath().normalize(), kafka, nodes, pods, kubelet, nodeName,
                tokenFile, ca, Map.copyOf(targets), https, http, resolution, help);
    }

    private static final List<String> FLAGS = List.of("work-dir", "kafka", "nodes", "pods-per-node", "kubelet",
            "node-name", "token-file", "kubelet-ca", "kubelets", "https-port", "http-port", "resolution");

    private static int integer(Map<String, String> values, String name, int fallback, int min, int max,
            List<String> problems) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                problems.add("--" + name + " must be between " + min + " and " + max + ", got " + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add("--" + name + " must be a number, got '" + raw + "'");
            return fallback;
        }
    }

    private static URI url(String raw, String what, List<String> problems) {
        try {
            URI uri = URI.create(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                problems.add(what + " must be an http(s) URL with a host, got '" + raw + "'");
                return null;
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(what + " is not a URL: '" + raw + "'");
            return null;
        }
    }

    /** Reads {@code name=url} lines with the collector's own targets-file parser (pool mode's format). */
    static Map<String, URI> targetsFile(Path file, List<String> problems) {
        Map<String, URI> targets = new LinkedHashMap<>();
        StaticTargets.Parsed parsed;
        try {
            parsed = StaticTargets.readFile(file);
        } catch (IOException e) {
            problems.add("--kubelets " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return targets;
        }
        parsed.problems().forEach(problem -> problems.add("--kubelets " + problem));
        for (ScrapeTarget target : parsed.targets()) {
            targets.put(target.nodeName(), target.baseUrl());
        }
        if (targets.isEmpty() && problems.isEmpty()) {
            problems.add("--kubelets " + file + " lists no kubelet");
        }
        return targets;
    }
}
