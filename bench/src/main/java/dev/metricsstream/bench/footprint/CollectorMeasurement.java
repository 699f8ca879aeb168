package dev.metricsstream.bench.footprint;

import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.JavaProcess;
import dev.metricsstream.bench.process.ProcStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures a running collector process the way production would see it, without touching the port being measured:
 * CPU and RSS from {@code /proc/<pid>} once a second, scrapes counted as the records it published to
 * {@code kubelet-scrapes} (read by a consumer in the harness), and at the end — with {@code jcmd}, after the CPU
 * figure is taken — the JVM's own view: {@code GC.heap_info} and, when the collector runs with
 * {@code -XX:NativeMemoryTracking=summary}, {@code VM.native_memory summary} parsed per category.
 */
final class CollectorMeasurement implements AutoCloseable {
    private static final Pattern NMT_LINE = Pattern.compile(
            "^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final JavaProcess collector;
    private final Path javaHome;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private long records;
    private long recordValueBytes;

    CollectorMeasurement(JavaProcess collector, Path javaHome, String bootstrap, String topic) {
        this.collector = collector;
        this.javaHome = javaHome;
        this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false",
                "group.id", "footprint-" + collector.pid()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Millis from launch until the first record arrived in Kafka, or -1 when none came within {@code limit}. */
    long awaitFirstRecordMillis(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && collector.isAlive()) {
            ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(20));
            if (!polled.isEmpty()) {
                records += polled.count();
                long firstTimestamp = Long.MAX_VALUE;
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    firstTimestamp = Math.min(firstTimestamp, record.timestamp());
                    recordValueBytes += record.serializedValueSize();
                }
                // the producer stamps the record when the scrape is sent (CreateTime)
                long launchWallMillis = System.currentTimeMillis()
                        - JavaProcess.since(collector.startNanos()).toMillis();
                return firstTimestamp - launchWallMillis;
            }
        }
        return -1;
    }

    /** Records published so far (reads what has arrived). */
    long records() {
        int polled;
        do { // drain what has arrived, not just one poll's worth
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
            polled = batch.count();
            records += polled;
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                recordValueBytes += record.serializedValueSize();
            }
        } while (polled > 0);
        return records;
    }

    /** Samples /proc every second for {@code duration}, printing a progress line every 15 s. */
    Map<String, Object> measure(Duration duration) {
        long recordsAtStart = records();
        long bytesAtStart = recordValueBytes;
        ProcStats start = collector.sample();
        long end = System.nanoTime() + duration.toNanos();
        double rssSum = 0;
        long rssSamples = 0;
        long rssMax = 0;
        int tick = 0;
        while (System.nanoTime() < end && collector.isAlive()) {
            sleep(1_000);
            records();
            ProcStats s = collector.sample();
            rssSum += s.rssBytes();
            rssMax = Math.max(rssMax, s.rssBytes());
            rssSamples++;
            if (++tick % 15 == 0) {
                System.out.printf(Locale.ROOT, "%4d s  RSS %.1f MiB (peak since launch %.1f)  CPU %.2f s  records %d"
                        + "  load %s%n", tick, s.rssBytes() / 1048576.0, s.peakRssBytes() / 1048576.0,
                        (s.cpuNanos() - start.cpuNanos()) / 1e9, records - recordsAtStart, Machine.loadAverage());
            }
        }
        ProcStats stop = collector.sample();
        long scrapes = records() - recordsAtStart;
        double cpuSeconds = (stop.cpuNanos() - start.cpuNanos()) / 1e9;
        double measured = duration.toMillis() / 1000.0;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("measuredSeconds", measured);
        out.put("scrapesPublished", scrapes);
        out.put("cpuSecondsMeasured", cpuSeconds);
        out.put("cpuCoresAverage", cpuSeconds / measured);
        out.put("cpuMillisPerScrape", scrapes > 0 ? cpuSeconds * 1000 / scrapes : null);
        out.put("recordBytesPerScrape", scrapes > 0 ? (double) (recordValueBytes - bytesAtStart) / scrapes : null);
        out.put("cpuSecondsIncludingStartup", stop.cpuNanos() / 1e9);
        out.put("rssAverageBytes", rssSamples == 0 ? null : rssSum / rssSamples);
        out.put("rssMaxSampledBytes", rssMax);
        out.put("rssAverageMiB", rssSamples == 0 ? null : rssSum / rssSamples / 1048576.0);
        out.put("rssPeakSinceLaunchBytes", stop.peakRssBytes());
        out.put("rssPeakSinceLaunchMiB", stop.peakRssBytes() / 1048576.0);
        out.put("rssAtEndBytes", stop.rssBytes());
        out.put("threads", threads(collector.pid()));
        String heap = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(heap == null ? "" : heap);
        out.put("heapUsedAtEndBytes", used.find() ? Long.parseLong(used.group(1)) * 1024 : null);
        out.put("gcHeapInfo", heap);
        String histogram = jcmd("GC.class_histogram");
        if (histogram != null) { // the top of the live set (a full GC first), e.g. to see what fills the heap
            out.put("classHistogramTop", histogram.lines().limit(25).toList());
        }
        String nmt = jcmd("VM.native_memory", "summary");
        if (nmt != null && nmt.contains("Total:")) {
            out.put("nativeMemoryCommittedKiB", nmtCommitted(nmt));
        }
        return out;
    }

    /** NMT summary: committed KiB per category, plus "Total". */
    static Map<String, Long> nmtCommitted(String summary) {
        Map<String, Long> committed = new LinkedHashMap<>();
        for (String line : summary.split("\n")) {
            Matcher total = NMT_TOTAL.matcher(line.trim());
            if (total.find()) {
                committed.put("Total", Long.parseLong(total.group(2)));
            }
            Matcher m = NMT_LINE.matcher(line.trim());
            if (m.find()) {
                committed.put(m.group(1).trim(), Long.parseLong(m.group(3)));
            }
        }
        return committed;
    }

    private String jcmd(String... command) {
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("jcmd").toString(),
                Long.toString(collector.pid())));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static Integer threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --jvm-options "a b c"} split on blanks, else the defaults; {@code --nmt}/{@code --jfr} appended. */
    static List<String> jvmOptions(Map<String, String> flags, Collection<String> defaults, Path runDir) {
        List<String> options = new ArrayList<>(flags.containsKey("jvm-options")
                ? List.of(flags.get("jvm-options").trim().split("\\s+")) : List.copyOf(defaults));
        if (Boolean.parseBoolean(flags.getOrDefault("nmt", "false"))) {
            options.add("-XX:NativeMemoryTracking=summary");
        }
        if (flags.containsKey("jfr")) {
            options.add("-XX:StartFlightRecording=filename=" + Path.of(flags.get("jfr")).toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        return options;
    }

    /**
     * The collector's classpath as in its image: {@code --collector-classpath}, else the collector jar and
     * {@code collector/target/runtime-classpath.txt} (written by the collector's {@code package}), else — with a
     * warning, as it loads more than the image would — this JVM's classpath.
     */
    static String collectorClasspath(Map<String, String> flags) throws IOException {
        if (flags.containsKey("collector-classpath")) {
            return flags.get("collector-classpath");
        }
        Path target = Path.of("collector", "target");
        Path listed = target.resolve("runtime-classpath.txt");
        if (Files.isReadable(listed)) {
            try (var jars = Files.list(target)) {
                var jar = jars.filter(f -> f.getFileName().toString().matches("collector-.*\\.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get().toAbsolutePath() + java.io.File.pathSeparator + Files.readString(listed).trim();
                }
            }
        }
        System.out.println("WARNING: collector/target/runtime-classpath.txt not found: the collector runs on the"
                + " bench's whole classpath, which is larger than its image's");
        return System.getProperty("java.class.path");
    }

    static Path javaHome(Map<String, String> flags) {
        return Path.of(flags.getOrDefault("java-home", System.getProperty("java.home")));
    }

    /** {@code --name value} pairs; a flag without a value (followed by another flag or the end) is "true". */
    static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                flags.put(name, args[++i]);
            } else {
                flags.put(name, "true");
            }
        }
        return flags;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
