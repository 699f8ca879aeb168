package dev.metricsstream.aggregator;

import dev.metricsstream.aggregator.scrape.Emission;
import dev.metricsstream.aggregator.scrape.ScrapeStep;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.PodState;
import dev.metricsstream.avro.NodeScrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Applies each node scrape to the node's stored state ({@link ScrapeStep}) and forwards what is to be published;
 * a wall-clock punctuator tombstones nodes (and their pods) that have been silent for longer than the staleness
 * bound.
 */
final class ScrapeProcessor implements Processor<String, NodeScrape, String, Emission> {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeProcessor.class);

    private final String storeName;
    private final Duration resolution;
    private final Duration stalenessBound;
    private final Duration checkInterval;
    private final AggregatorMetrics metrics;
    private ProcessorContext<String, Emission> context;
    private KeyValueStore<String, NodeState> store;

    ScrapeProcessor(String storeName, AggregatorConfig config, AggregatorMetrics metrics) {
        this.storeName = storeName;
        this.resolution = config.scrapeResolution();
        this.stalenessBound = config.stalenessBound();
        this.checkInterval = config.stalenessCheckInterval();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Emission> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::tombstoneSilentNodes);
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
        ScrapeStep.Result result = ScrapeStep.apply(store.get(node), scrape, context.currentSystemTimeMs(),
                resolution);
        if (result.ignoredAsReplay()) {
            metrics.scrape("replay");
            return;
        }
        metrics.scrape("applied");
        store.put(node, result.next());
        for (Emission emission : result.emissions()) {
            if (emission instanceof Emission.PodTombstone) {
                metrics.tombstone("pod", "missing");
            } else if (emission instanceof Emission.NodeTombstone) {
                metrics.tombstone("node", "missing");
            }
            context.forward(new Record<>(emission.key(), emission, emission.timestampMillis()));
        }
        for (Map.Entry<String, String> skipped : result.podsNotPublished().entrySet()) {
            metrics.podNotPublished(reasonLabel(skipped.getValue()));
            LOG.atDebug().addKeyValue("node", node).addKeyValue("pod", skipped.getKey())
                    .addKeyValue("reason", skipped.getValue()).log("pod not published this scrape");
        }
    }

    private void tombstoneSilentNodes(long nowMillis) {
        long deadline = nowMillis - stalenessBound.toMillis();
        List<KeyValue<String, NodeState>> silent = new ArrayList<>();
        try (KeyValueIterator<String, NodeState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, NodeState> entry = all.next();
                if (entry.value.lastSeenMillis() < deadline) {
                    silent.add(entry);
                }
            }
        }
        for (KeyValue<String, NodeState> entry : silent) {
            NodeState state = entry.value;
            if (state.nodeEmitted()) {
                forward(new Emission.NodeTombstone(entry.key, nowMillis));
                metrics.tombstone("node", "stale");
            }
            for (Map.Entry<String, PodState> pod : state.pods().entrySet()) {
                if (pod.getValue().emitted()) {
                    forward(new Emission.PodTombstone(pod.getKey(), nowMillis));
                    metrics.tombstone("pod", "stale");
                }
            }
            store.delete(entry.key);
            LOG.atInfo().addKeyValue("node", entry.key).addKeyValue("reason", "stale")
                    .log("node silent for longer than {}: tombstoned with its pods", stalenessBound);
        }
    }

    private void forward(Emission emission) {
        context.forward(new Record<>(emission.key(), emission, emission.timestampMillis()));
    }

    private static String reasonLabel(String reason) {
        if (reason.startsWith("phase ")) {
            return "not_running";
        }
        if (reason.startsWith("duplicate")) {
            return "duplicate";
        }
        if (reason.startsWith("no running")) {
            return "no_container";
        }
        return "incomplete";
    }
}
