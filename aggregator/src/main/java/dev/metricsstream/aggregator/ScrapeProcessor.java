package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.scrape.NodeUsages;
import dev.metricsstream.aggregator.scrape.NotPublished;
import dev.metricsstream.aggregator.scrape.ScrapeStep;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.PodState;
import dev.metricsstream.aggregator.state.WindowSampleStore;
import dev.metricsstream.aggregator.window.OpenWindows;
import dev.metricsstream.aggregator.window.WindowCloser;
import dev.metricsstream.aggregator.window.WindowSample;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each node scrape to the node's stored state ({@link ScrapeStep}), appends what it published to the node's
 * window samples (one new chunk in the window sample store), closes the windows the node's sample time has moved
 * past and forwards all of it plus the node-batched {@code node-usage} record: per scrape one node-state read and
 * write and one chunk write; the chunks are read back (one range scan) only when a window boundary is crossed.
 *
 * <p>A wall-clock punctuator tombstones nodes (and their pods) that have been silent for longer than the staleness
 * bound and closes the windows of silent nodes. It works from an in-memory book of node → last seen (rebuilt from
 * the store once, when the task starts), so a check reads only the state of nodes that need something done.
 */
final class ScrapeProcessor implements Processor<String, NodeScrape, String, Emission> {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeProcessor.class);

    /** What the sweep needs of a node, kept in memory. */
    private record Book(long lastSeenMillis, boolean live, long windowCheckMillis) {
    }

    private final String storeName;
    private final String samplesStoreName;
    private final ScrapeResolution resolutions;
    private Duration stalenessBound;
    private final Duration checkInterval;
    private final boolean publishPods;
    private final boolean publishNodes;
    private final WindowCloser windows;
    private final AggregatorMetrics metrics;
    private final Map<String, Book> book = new HashMap<>();
    private ProcessorContext<String, Emission> context;
    private KeyValueStore<String, NodeState> store;
    private WindowSampleStore samples;

    ScrapeProcessor(String storeName, String samplesStoreName, AggregatorConfig config, AggregatorMetrics metrics) {
        this.storeName = storeName;
        this.samplesStoreName = samplesStoreName;
        this.resolutions = new ScrapeResolution(config);
        this.stalenessBound = resolutions.stalenessBound();
        this.checkInterval = config.stalenessCheckInterval();
        this.publishPods = config.publishPodMetrics();
        this.publishNodes = config.publishNodeMetrics();
        this.windows = new WindowCloser(config.windowSizes(), config.windowGrace());
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Emission> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        KeyValueStore<Bytes, byte[]> samplesStore = context.getStateStore(samplesStoreName);
        this.samples = new WindowSampleStore(samplesStore);
        List<KeyValue<String, NodeState>> states = new ArrayList<>();
        try (KeyValueIterator<String, NodeState> all = store.all()) {
            while (all.hasNext()) {
                states.add(all.next());
            }
        }
        for (KeyValue<String, NodeState> entry : states) {
            book.put(entry.key, book(fitted(entry.key, entry.value)));
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    /**
     * The state with its {@link OpenWindows} kept for the configured window sizes: a state of the earlier format has
     * its window samples moved into the sample store, one kept for other sizes is recomputed from its chunks; either
     * is written back at once.
     */
    private NodeState fitted(String node, NodeState state) {
        if (state == null || windows.fits(state.windows())) {
            return state;
        }
        NodeState fitted = state.withWindows(state.windowWatermarkMillis(),
                windows.rebuild(node, state.windows(), samples, state.windowWatermarkMillis()));
        store.put(node, fitted);
        return fitted;
    }

    private Book book(NodeState state) {
        long nextEnd = windows.nextWindowEnd(state.windows());
        long check = nextEnd == Long.MAX_VALUE ? Long.MAX_VALUE
                : nextEnd + windows.graceMillis() + stalenessBound.toMillis();
        return new Book(state.lastSeenMillis(), state.live(), check);
    }

    @Override
    public void process(Record<String, NodeScrape> record) {
        NodeScrape scrape = record.value();
        if (scrape == null) {
            throw new InvalidScrapeException("null_scrape", "kubelet-scrapes carries no tombstones; key "
                    + record.key());
        }
        String node = scrape.getNodeName();
        if (node == null || node.isEmpty() || !node.equals(record.key())) {
            // state is per key: a scrape filed under another node's key would corrupt both nodes' rates
            throw new InvalidScrapeException("key_mismatch", "scrape of node '" + node + "' keyed '"
                    + record.key() + "'");
        }
        long nowMillis = context.currentSystemTimeMs();
        Duration resolution = resolutions.of(scrape);
        stalenessBound = resolutions.stalenessBound();
        ScrapeStep.Result result = ScrapeStep.apply(fitted(node, store.get(node)), scrape, nowMillis, resolution);
        if (result.ignoredAsReplay()) {
            metrics.scrape("replay");
            return;
        }
        metrics.scrape("applied");
        NodeState next = result.next();
        long previousWatermark = next.windowWatermarkMillis();
        OpenWindows open = windows.fits(next.windows()) ? next.windows() : windows.none();
        List<WindowSample> chunk = new ArrayList<>();
        for (Emission emission : result.emissions()) {
            if (emission instanceof Emission.PodTombstone) {
                metrics.tombstone("pod", "missing");
            } else if (emission instanceof Emission.NodeTombstone) {
                metrics.tombstone("node", "missing");
            }
            addSample(chunk, emission, previousWatermark);
            if (published(emission)) {
                forward(emission);
            }
        }
        if (!chunk.isEmpty()) {
            long chunkMillis = WindowCloser.chunkMillis(open, chunk);
            samples.append(node, chunkMillis, chunk);
            open = windows.added(open, chunk, chunkMillis, previousWatermark);
        }
        long watermark = Math.max(previousWatermark, next.newestSampleMillis());
        WindowCloser.Advanced advanced = windows.advance(node, open, samples, previousWatermark, watermark);
        next = next.withWindows(watermark, advanced.open());
        store.put(node, next);
        book.put(node, book(next));
        advanced.closed().forEach(closed -> forward(new Emission.WindowClosed(closed)));
        long usageTimestamp = next.newestSampleMillis() == Long.MIN_VALUE ? nowMillis : next.newestSampleMillis();
        forward(new Emission.NodeUsageUpdate(node, NodeUsages.of(node, scrape.getNodeInfo(),
                resolution.toMillis(), next), usageTimestamp));
        for (Map.Entry<String, NotPublished> skipped : result.podsNotPublished().entrySet()) {
            metrics.podNotPublished(skipped.getValue().reason());
            LOG.atDebug().addKeyValue("node", node).addKeyValue("pod", skipped.getKey())
                    .addKeyValue("reason", skipped.getValue().detail()).log("pod not published this scrape");
        }
    }

    private boolean published(Emission emission) {
        if (emission instanceof Emission.PodUpdate || emission instanceof Emission.PodTombstone) {
            return publishPods;
        }
        if (emission instanceof Emission.NodeUpdate || emission instanceof Emission.NodeTombstone) {
            return publishNodes;
        }
        return true;
    }

    /** A published value joins the scrape's window samples, unless every window it falls in has closed. */
    private void addSample(List<WindowSample> chunk, Emission emission, long watermarkMillis) {
        String entity;
        long timestamp;
        long cpu;
        long memory;
        Map<String, String> labels;
        if (emission instanceof Emission.NodeUpdate update) {
            entity = update.key();
            timestamp = update.value().getTimestampMillis();
            cpu = update.value().getCpuNanocores();
            memory = update.value().getMemoryWorkingSetBytes();
            labels = update.value().getLabels();
        } else if (emission instanceof Emission.PodUpdate update) {
            PodMetrics pod = update.value();
            entity = update.key();
            timestamp = pod.getTimestampMillis();
            cpu = 0;
            memory = 0;
            for (ContainerMetrics container : pod.getContainers()) {
                cpu += container.getCpuNanocores();
                memory += container.getMemoryWorkingSetBytes();
            }
            labels = pod.getLabels();
        } else {
            return;
        }
        int late = windows.lateFor(timestamp, watermarkMillis);
        if (late > 0) {
            metrics.lateWindowSamples(late);
        }
        if (!windows.lateForAll(timestamp, watermarkMillis)) {
            chunk.add(new WindowSample(entity, timestamp, cpu, memory, labels));
        }
    }

    /**
     * Tombstones nodes silent for longer than the staleness bound (keeping only their open windows) and closes the
     * windows of silent nodes once the wall clock, less the staleness bound, has passed their end + grace.
     */
    private void sweep(long nowMillis) {
        long deadline = nowMillis - stalenessBound.toMillis();
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Book> entry : book.entrySet()) {
            Book entryBook = entry.getValue();
            if (entryBook.lastSeenMillis() < deadline
                    && (entryBook.live() || entryBook.windowCheckMillis() <= nowMillis)) {
                due.add(entry.getKey());
            }
        }
        for (String node : due) {
            NodeState state = fitted(node, store.get(node));
            if (state == null) {
                book.remove(node);
                continue;
            }
            if (state.live()) {
                tombstone(node, state, nowMillis);
                state = state.windowsOnly();
            }
            long watermark = Math.max(state.windowWatermarkMillis(), deadline);
            WindowCloser.Advanced advanced = windows.advance(node, state.windows(), samples,
                    state.windowWatermarkMillis(), watermark);
            state = state.withWindows(watermark, advanced.open());
            advanced.closed().forEach(closed -> forward(new Emission.WindowClosed(closed)));
            if (state.windows().isEmpty()) {
                store.delete(node);
                samples.deleteAll(node);
                book.remove(node);
            } else {
                store.put(node, state);
                book.put(node, book(state));
            }
        }
    }

    private void tombstone(String node, NodeState state, long nowMillis) {
        if (state.nodeEmitted()) {
            if (publishNodes) {
                forward(new Emission.NodeTombstone(node, nowMillis));
            }
            metrics.tombstone("node", "stale");
        }
        for (Map.Entry<String, PodState> pod : state.pods().entrySet()) {
            if (pod.getValue().emitted()) {
                if (publishPods) {
                    forward(new Emission.PodTombstone(pod.getKey(), nowMillis));
                }
                metrics.tombstone("pod", "stale");
            }
        }
        forward(new Emission.NodeUsageTombstone(node, nowMillis));
        LOG.atInfo().addKeyValue("node", node).addKeyValue("reason", "stale")
                .log("node silent for longer than {}: tombstoned with its pods", stalenessBound);
    }

    private void forward(Emission emission) {
        context.forward(new Record<>(emission.key(), emission, emission.timestampMillis()));
    }
}
