package dev.metricsstream.bench.jmh;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.aggregator.AggregatorTopology;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.bench.fleet.SimulatedFleet;
import dev.metricsstream.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The aggregator's whole per-scrape work without the Kafka client runtime: the real topology
 * ({@link AggregatorTopology#build}) in a {@link TopologyTestDriver} with its RocksDB stores, fed 30-pod
 * {@link SimulatedFleet} scrapes of 20 nodes at 15 s, after an hour of scrapes (so the 1 h window is full, the steady
 * state). Per invocation one node's scrape: store reads and writes, serdes, rates, windows, Avro encoding of every
 * output and of the changelog records. Output and changelog records are drained and their bytes counted.
 *
 * <p>{@link #main} is the deterministic companion: the changelog bytes written per scrape (the state store
 * changelogs only, key + value), over two simulated hours after a first one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
public class ScrapeProcessorBenchmark {

    static final int NODES = 20;
    static final int PODS = 30;
    static final long RESOLUTION_MILLIS = 15_000;
    static final long START_MILLIS = 1_800_000_000_000L; // an hour boundary

    private Driven driven;

    /** A topology in a test driver, scraped node by node in round order. */
    static final class Driven implements AutoCloseable {
        final Path stateDir;
        final TopologyTestDriver driver;
        final TestInputTopic<String, NodeScrape> input;
        final SimulatedFleet fleet;
        final List<TestOutputTopic<byte[], byte[]>> outputs = new ArrayList<>();
        final List<TestOutputTopic<byte[], byte[]>> changelogs = new ArrayList<>();
        long scrapes;
        long changelogBytes;
        long changelogRecords;
        long outputBytes;

        Driven() {
            try {
                stateDir = Files.createTempDirectory("scrape-processor-bench");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Topics topics = Topics.withPrefix("");
            AggregatorConfig config = AggregatorConfig.from(Map.of("STATE_DIR", stateDir.toString(),
                    "SCRAPE_RESOLUTION", "15s", "WINDOW_SIZES", "1m,5m,1h"));
            driver = new TopologyTestDriver(AggregatorTopology.build(topics, config),
                    AggregatorTopology.streamsProperties(topics, config,
                            dev.metricsstream.aggregator.AggregatorMetrics.unregistered()),
                    Instant.ofEpochMilli(START_MILLIS));
            input = driver.createInputTopic(topics.kubeletScrapes().name(),
                    topics.kubeletScrapes().keySerde().serializer(),
                    topics.kubeletScrapes().valueSerde().serializer());
            fleet = new SimulatedFleet(NODES, PODS, 0.002, 0.001, 42, START_MILLIS);
        }

        /** Scrape number {@code n}: node {@code n % NODES} of round {@code n / NODES}. */
        void scrape() {
            long round = scrapes / NODES;
            int node = (int) (scrapes % NODES);
            long now = START_MILLIS + round * RESOLUTION_MILLIS + node * RESOLUTION_MILLIS / NODES;
            if (node == 0 && round > 0) {
                driver.advanceWallClockTime(Duration.ofMillis(RESOLUTION_MILLIS));
            }
            NodeScrape scrape = fleet.scrape(node, now);
            input.pipeInput(scrape.getNodeName(), scrape, now);
            scrapes++;
            drain();
        }

        void drain() {
            if (outputs.isEmpty() && changelogs.isEmpty() || outputs.size() + changelogs.size()
                    < driver.producedTopicNames().size()) {
                outputs.clear();
                changelogs.clear();
                for (String topic : driver.producedTopicNames()) {
                    TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(),
                            new ByteArrayDeserializer());
                    (topic.endsWith("-changelog") ? changelogs : outputs).add(out);
                }
            }
            for (TestOutputTopic<byte[], byte[]> changelog : changelogs) {
                for (TestRecord<byte[], byte[]> record : changelog.readRecordsToList()) {
                    changelogBytes += size(record);
                    changelogRecords++;
                }
            }
            for (TestOutputTopic<byte[], byte[]> output : outputs) {
                for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
                    outputBytes += size(record);
                }
            }
        }

        private static long size(TestRecord<byte[], byte[]> record) {
            return (record.key() == null ? 0 : record.key().length)
                    + (record.value() == null ? 0 : record.value().length);
        }

        void reset() {
            changelogBytes = 0;
            changelogRecords = 0;
            outputBytes = 0;
        }

        @Override
        public void close() {
            driver.close();
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        driven = new Driven();
        for (int i = 0; i < NODES * 240; i++) {
            driven.scrape();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        driven.close();
    }

    @Benchmark
    public long oneScrapeOf30PodsWithAnHourOfWindowSamples() {
        driven.scrape();
        return driven.changelogBytes;
    }

    /**
     * Changelog bytes per scrape: one simulated hour to fill the windows, then two measured hours.
     * Arguments: an optional label for the output line.
     */
    public static void main(String[] args) {
        try (Driven driven = new Driven()) {
            for (int i = 0; i < NODES * 240; i++) {
                driven.scrape();
            }
            driven.reset();
            long cpuBefore = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long scrapes = NODES * 480L;
            for (int i = 0; i < scrapes; i++) {
                driven.scrape();
            }
            long cpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                    - cpuBefore;
            System.out.printf(Locale.ROOT, "{\"label\": \"%s\", \"nodes\": %d, \"podsPerNode\": %d, \"scrapes\": %d, "
                            + "\"changelogBytesPerScrape\": %.1f, \"changelogRecordsPerScrape\": %.2f, "
                            + "\"outputBytesPerScrape\": %.1f, \"cpuMicrosPerScrape\": %.1f}%n",
                    args.length > 0 ? args[0] : "", NODES, PODS, scrapes, (double) driven.changelogBytes / scrapes,
                    (double) driven.changelogRecords / scrapes, (double) driven.outputBytes / scrapes,
                    cpuNanos / 1000.0 / scrapes);
        }
    }
}
