package dev.metricsstream.bench.footprint;

import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The collector's footprint under the DaemonSet's JVM options (collector/README.md): the real {@code CollectorMain}
 * in its own JVM scrapes a simulated 110-pod kubelet (HTTPS, bearer token, {@code /pods} metadata) and publishes to
 * a broker in a third process. Measured like production sees it ({@link CollectorMeasurement}): nothing reads the
 * collector's ports while it is measured; CPU and RSS come from /proc, scrapes from the records in Kafka, heap and
 * native memory from {@code jcmd} at the end. Reports the first scrape after launch (the record's Kafka timestamp).
 * <p>{@code java -cp ... dev.metricsstream.bench.footprint.CollectorFootprintMain [--pods 110] [--resolution 15s]
 * [--duration 3m] [--source metrics-resource] [--results bench/results] [--nmt] [--jfr file.jfr]
 * [--java-home /usr/lib/jvm/...] [--jvm-options "-Xmx.. -XX:.."] [--malloc-arena-max 2] [--tag name]}
 */
public final class CollectorFootprintMain {
    /** collector/README.md, "JVM options for the DaemonSet". */
    static final List<String> DAEMONSET_JVM_OPTIONS = List.of("-Xmx64m", "-Xms8m", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1", "-Xss256k",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m");

    private CollectorFootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = CollectorMeasurement.flags(args);
        int pods = Integer.parseInt(flags.getOrDefault("pods", "110"));
        Duration resolution = Durations.parse(flags.getOrDefault("resolution", "15s"));
        Duration duration = Durations.parse(flags.getOrDefault("duration", "3m"));
        String source = flags.getOrDefault("source", "metrics-resource");
        try (FootprintRun run = FootprintRun.start(flags, "metrics-stream-footprint-", DAEMONSET_JVM_OPTIONS);
             KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(pods).token(FootprintRun.TOKEN)
                     .build().start()) {
            run.createTopic(1);
            SimNode node = sim.nodes().get(0);
            int opsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                opsPort = socket.getLocalPort();
            }
            Map<String, String> env = run.collectorEnv(sim, resolution);
            env.put("NODE_NAME", node.name());
            env.put("KUBELET_URL", node.baseUrl());
            env.put("KUBELET_SOURCE", source);
            env.put("METADATA_SOURCE", "kubelet");
            env.put("OPS_PORT", Integer.toString(opsPort));
            env.put("MALLOC_ARENA_MAX", flags.getOrDefault("malloc-arena-max", "2"));
            Map<String, Object> kubeletBytes = kubeletResponseBytes(sim, node, source);
            JavaProcess collector = run.startCollector(env);
            try (CollectorMeasurement measurement = new CollectorMeasurement(collector, run.javaHome(),
                    run.bootstrap(), run.topic())) {
                long firstPublishMillis = measurement.awaitFirstRecordMillis(Duration.ofSeconds(120));
                if (firstPublishMillis < 0) {
                    throw new IllegalStateException("the collector published nothing within 120 s; see " + run.dir());
                }
                System.out.printf(Locale.ROOT, "collector pid %d (%s): first scrape in Kafka %d ms after launch;"
                        + " settling 30 s, then measuring for %d s%n", collector.pid(), run.javaHome(),
                        firstPublishMillis, duration.toSeconds());
                CollectorMeasurement.sleep(30_000); // past start-up compilation: steady state only
                Map<String, Object> measured = measurement.measure(duration);
                // the collector's own view, read ONCE after the CPU figure was taken (not during the measurement)
                String endMetrics = fetch(HttpClient.newHttpClient(), "http://127.0.0.1:" + opsPort + "/metrics");
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("scenario", run.scenario("collector-footprint"));
                result.put("machine", Machine.describe());
                result.put("javaHome", run.javaHome().toString());
                result.put("jvmOptions", run.jvmOptions());
                result.put("env", Map.of("MALLOC_ARENA_MAX", env.get("MALLOC_ARENA_MAX"), "KUBELET_SOURCE", source,
                        "METADATA_SOURCE", "kubelet"));
                result.put("pods", pods);
                result.put("resolutionSeconds", resolution.toSeconds());
                result.put("firstScrapePublishedMillis", firstPublishMillis);
                result.put("kubeletResponseBytes", kubeletBytes);
                result.putAll(measured);
                double durationSum = sum(endMetrics, "collector_scrape_duration_seconds_sum", null);
                double durationCount = sum(endMetrics, "collector_scrape_duration_seconds_count", null);
                result.put("scrapeDurationAverageMillis", durationCount > 0 ? durationSum * 1000 / durationCount
                        : null);
                result.put("scrapesFailed", sum(endMetrics, "collector_scrapes_total", "result=\"failure\""));
                Path out = run.writeResult(result);
                System.out.printf(Locale.ROOT, "%nfirst scrape %d ms | RSS avg %.1f MiB, peak %.1f MiB | CPU %.2f ms"
                        + " per scrape (%.2f millicores) | %s scrapes | threads %s | NMT %s | kubelet bytes %s |"
                        + " record bytes %s%nresult: %s%n",
                        firstPublishMillis, (Double) measured.get("rssAverageMiB"),
                        (Double) measured.get("rssPeakSinceLaunchMiB"), measured.get("cpuMillisPerScrape"),
                        (Double) measured.get("cpuCoresAverage") * 1000, measured.get("scrapesPublished"),
                        measured.get("threads"), measured.get("nativeMemoryCommittedKiB"), kubeletBytes,
                        measured.get("recordBytesPerScrape"), out);
            }
        }
    }

    /**
     * The size of one answer of each kubelet endpoint for this node (the simulator writes them in the real kubelet's
     * shape), and what one scrape with {@code source} reads: both endpoints for {@code both}.
     */
    static Map<String, Object> kubeletResponseBytes(KubeletSimulator sim, SimNode node, String source)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().sslContext(sim.clientSslContext()).build();
        Map<String, Object> bytes = new LinkedHashMap<>();
        long perScrape = 0;
        for (String path : List.of("/metrics/resource", "/stats/summary")) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(node.uri(path))
                    .header("Authorization", "Bearer footprint").build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode());
            }
            bytes.put(path, response.body().length);
            boolean read = source.equals("both") || path.substring(1).replace('/', '-').equals(source);
            if (read) {
                perScrape += response.body().length;
            }
        }
        bytes.put("perScrape", perScrape);
        return bytes;
    }

    private static String fetch(HttpClient http, String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Sum of a Prometheus text-format family's samples, optionally only those whose labels contain a filter. */
    static double sum(String exposition, String name, String labelFilter) {
        if (exposition == null) {
            return 0;
        }
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                if (labelFilter != null && !line.contains(labelFilter)) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                try {
                    total += Double.parseDouble(parts[parts.length - 1]);
                } catch (NumberFormatException e) {
                    // a timestamped sample: value is the second to last field
                    total += Double.parseDouble(parts[parts.length - 2]);
                }
            }
        }
        return total;
    }
}
