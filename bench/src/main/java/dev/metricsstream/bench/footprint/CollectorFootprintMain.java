package dev.metricsstream.bench.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.metricsstream.bench.fleet.BrokerMain;
import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ProcStats;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The collector's footprint under the DaemonSet's JVM options (collector/README.md): the real {@code CollectorMain}
 * in its own JVM scrapes a simulated 110-pod kubelet (HTTPS, bearer token, {@code /pods} metadata) and publishes to
 * a broker in a third process. Reports start time (launch → first scrape acknowledged by Kafka), RSS (peak and
 * average), heap used (from the collector's own /metrics), CPU per scrape. Adapted from the collector's test-side
 * {@code FootprintHarness}, which starts only the counterpart and leaves the measuring to the operator.
 * <p>{@code java -cp ... dev.metricsstream.bench.footprint.CollectorFootprintMain [--pods 110] [--resolution 15s]
 * [--duration 3m] [--source metrics-resource] [--results bench/results]}
 */
public final class CollectorFootprintMain {
    /** collector/README.md, "JVM options for the DaemonSet". */
    static final List<String> DAEMONSET_JVM_OPTIONS = List.of("-Xmx64m", "-Xms8m", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1", "-Xss256k",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=32m");

    private CollectorFootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int pods = Integer.parseInt(flags.getOrDefault("pods", "110"));
        Duration resolution = Durations.parse(flags.getOrDefault("resolution", "15s"));
        Duration duration = Durations.parse(flags.getOrDefault("duration", "3m"));
        String source = flags.getOrDefault("source", "metrics-resource");
        Path results = Path.of(flags.getOrDefault("results", "bench/results"));
        Path dir = Files.createTempDirectory("metrics-stream-footprint-");
        List<JavaProcess> processes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(JavaProcess::close)));
        CompletableFuture<String> ready = new CompletableFuture<>();
        JavaProcess broker = JavaProcess.start("broker", BrokerMain.class.getName(), List.of("-Xmx512m"),
                Map.of(), dir.resolve("broker.log"), line -> {
                    if (line.startsWith("BOOTSTRAP ")) {
                        ready.complete(line.substring(10).trim());
                    }
                });
        processes.add(broker);
        String bootstrap = ready.get(120, TimeUnit.SECONDS);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(pods).token("footprint")
                     .build().start()) {
            admin.createTopics(List.of(Topics.defaults().kubeletScrapes().newTopic(1, (short) 1))).all().get();
            Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
            Path token = Files.writeString(dir.resolve("token"), "footprint");
            SimNode node = sim.nodes().get(0);
            int opsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                opsPort = socket.getLocalPort();
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("NODE_NAME", node.name());
            env.put("KUBELET_URL", node.baseUrl());
            env.put("KUBELET_CA_FILE", ca.toString());
            env.put("TOKEN_FILE", token.toString());
            env.put("KUBELET_SOURCE", source);
            env.put("METADATA_SOURCE", "kubelet");
            env.put("SCRAPE_RESOLUTION", resolution.toSeconds() + "s");
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("OPS_HOST", "127.0.0.1");
            env.put("OPS_PORT", Integer.toString(opsPort));
            env.put("LOG_FORMAT", "text");
            env.put("MALLOC_ARENA_MAX", "2");
            JavaProcess collector = JavaProcess.start("collector", "dev.metricsstream.collector.CollectorMain",
                    DAEMONSET_JVM_OPTIONS, env, dir.resolve("collector.log"), null);
            processes.add(collector);
            HttpClient http = HttpClient.newHttpClient();
            String metricsUrl = "http://127.0.0.1:" + opsPort + "/metrics";
            long opsUpMillis = -1;
            long firstPublishMillis = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (firstPublishMillis < 0 && System.nanoTime() < deadline && collector.isAlive()) {
                String metrics = fetch(http, metricsUrl);
                if (metrics != null && opsUpMillis < 0) {
                    opsUpMillis = JavaProcess.since(collector.startNanos()).toMillis();
                }
                if (metrics != null && sum(metrics, "collector_records_sent_total", null) >= 1) {
                    firstPublishMillis = JavaProcess.since(collector.startNanos()).toMillis();
                }
                Thread.sleep(20);
            }
            if (firstPublishMillis < 0) {
                throw new IllegalStateException("the collector published nothing within 120 s; see " + dir);
            }
            System.out.printf(Locale.ROOT, "collector pid %d: ops port up after %d ms, first scrape published after"
                    + " %d ms; measuring for %d s%n", collector.pid(), opsUpMillis, firstPublishMillis,
                    duration.toSeconds());
            ProcStats start = collector.sample();
            String startMetrics = fetch(http, metricsUrl);
            double scrapesAtStart = sum(startMetrics, "collector_scrapes_total", null);
            long end = System.nanoTime() + duration.toNanos();
            double rssSum = 0;
            long rssSamples = 0;
            double heapMax = 0;
            double heapSum = 0;
            long heapSamples = 0;
            double committedMax = 0;
            int tick = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(1_000);
                ProcStats s = collector.sample();
                rssSum += s.rssBytes();
                rssSamples++;
                String metrics = fetch(http, metricsUrl);
                if (metrics != null) {
                    double heap = sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
                    heapMax = Math.max(heapMax, heap);
                    heapSum += heap;
                    heapSamples++;
                    committedMax = Math.max(committedMax, sum(metrics, "jvm_memory_committed_bytes",
                            "area=\"heap\""));
                }
                if (++tick % 15 == 0) {
                    System.out.printf(Locale.ROOT, "%4d s  RSS %.1f MB (peak %.1f)  heap used %.1f MB  load %s%n",
                            tick, s.rssBytes() / 1e6, s.peakRssBytes() / 1e6, heapSum / Math.max(1, heapSamples)
                                    / 1e6, Machine.loadAverage());
                }
            }
            ProcStats stop = collector.sample();
            String endMetrics = fetch(http, metricsUrl);
            double scrapes = sum(endMetrics, "collector_scrapes_total", null) - scrapesAtStart;
            double cpuSeconds = (stop.cpuNanos() - start.cpuNanos()) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("scenario", "collector-footprint");
            result.put("machine", Machine.describe());
            result.put("jvmOptions", DAEMONSET_JVM_OPTIONS);
            result.put("env", Map.of("MALLOC_ARENA_MAX", "2", "KUBELET_SOURCE", source, "METADATA_SOURCE", "kubelet"));
            result.put("pods", pods);
            result.put("resolutionSeconds", resolution.toSeconds());
            result.put("measuredSeconds", duration.toSeconds());
            result.put("opsPortUpMillis", opsUpMillis);
            result.put("firstScrapePublishedMillis", firstPublishMillis);
            result.put("scrapes", scrapes);
            result.put("scrapesSucceeded", sum(endMetrics, "collector_scrapes_total", "result=\"success\"")
                    - sum(startMetrics, "collector_scrapes_total", "result=\"success\""));
            result.put("recordsSent", sum(endMetrics, "collector_records_sent_total", null));
            result.put("cpuSecondsMeasured", cpuSeconds);
            result.put("cpuMillisPerScrape", scrapes > 0 ? cpuSeconds * 1000 / scrapes : null);
            result.put("cpuMillicoresAverage", cpuSeconds * 1000 / duration.toSeconds());
            result.put("cpuSecondsIncludingStartup", stop.cpuNanos() / 1e9);
            result.put("rssPeakBytes", stop.peakRssBytes());
            result.put("rssAverageBytes", rssSamples == 0 ? null : rssSum / rssSamples);
            result.put("rssAtEndBytes", stop.rssBytes());
            result.put("heapUsedMaxBytes", heapMax);
            result.put("heapUsedAverageBytes", heapSamples == 0 ? null : heapSum / heapSamples);
            result.put("heapCommittedMaxBytes", committedMax);
            double durationSum = sum(endMetrics, "collector_scrape_duration_seconds_sum", null);
            double durationCount = sum(endMetrics, "collector_scrape_duration_seconds_count", null);
            result.put("scrapeDurationAverageMillis", durationCount > 0 ? durationSum * 1000 / durationCount : null);
            Files.createDirectories(results);
            Path out = results.resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC).format(Instant.now()) + "-collector-footprint.json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
            System.out.printf(Locale.ROOT, "%nstart %d ms | RSS peak %.1f MB avg %.1f MB | heap used max %.1f MB |"
                    + " CPU %.1f ms per scrape (%.2f millicores) | %d scrapes%nresult: %s%n", firstPublishMillis,
                    stop.peakRssBytes() / 1e6, rssSum / Math.max(1, rssSamples) / 1e6, heapMax / 1e6,
                    scrapes > 0 ? cpuSeconds * 1000 / scrapes : Double.NaN, cpuSeconds * 1000 / duration.toSeconds(),
                    (long) scrapes, out);
        } finally {
            for (int i = processes.size() - 1; i >= 0; i--) {
                processes.get(i).close();
            }
        }
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
