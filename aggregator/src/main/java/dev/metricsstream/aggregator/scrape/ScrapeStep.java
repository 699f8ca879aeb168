package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.RateOutcome;
import dev.metricsstream.aggregator.rate.RateRule;
import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.state.NodeState;
import dev.metricsstream.aggregator.state.PodState;
import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies one node scrape to what is remembered of the node: the pure heart of the topology.
 *
 * <p>Beyond the rate rule it makes the stream safe to replay:
 * <ul>
 *   <li>A scrape with no kubelet sample newer than the newest one applied is a replay, a duplicate or a cached
 *       kubelet answer and is ignored as a whole: it neither changes state nor publishes anything. (A scrape without
 *       any sample time, i.e. no node sample and no pods, is always applied.)</li>
 *   <li>A point not newer than the stored last point (the kubelet served a cached sample, or a container's points
 *       arrive out of order) leaves that node's/container's points untouched; the stored rate still counts.</li>
 *   <li>A value is published only when its sample time is newer than the last one published, so a replay can
 *       never move {@code node-metrics}/{@code pod-metrics} back in time.</li>
 * </ul>
 * A pod that is not in the newest scrape (or no longer Running) is tombstoned at once, as is the node when its
 * sample is incomplete: metrics-server serves nothing for data missing from the newest scrape.
 */
public final class ScrapeStep {

    private ScrapeStep() {
    }

    /**
     * What one scrape did. {@code next} is null when nothing of the node is left to remember; {@code podsNotPublished}
     * is pod key → why that pod was held back.
     */
    public record Result(NodeState next, List<Emission> emissions, boolean ignoredAsReplay,
                         Map<String, NotPublished> podsNotPublished) {
    }

    /**
     * @param previous   what is stored for the node, or null
     * @param scrape     the new scrape
     * @param nowMillis  the aggregator's wall clock (for staleness and tombstone timestamps)
     * @param resolution scrape interval, for the fresh-container rule
     */
    public static Result apply(NodeState previous, NodeScrape scrape, long nowMillis, Duration resolution) {
        String nodeName = scrape.getNodeName();
        long newestSample = newestSampleMillis(scrape);
        if (previous != null && newestSample != NO_SAMPLE && newestSample <= previous.newestSampleMillis()) {
            return new Result(previous, List.of(), true, Map.of());
        }
        List<Emission> emissions = new ArrayList<>();
        Map<String, NotPublished> notPublished = new TreeMap<>();

        StoredPoints nodePoints = null;
        long nodeEmitted = previous == null ? PodState.NOT_EMITTED : previous.nodeEmittedTimestampMillis();
        Usage nodeUsage = previous == null ? null : previous.nodeUsage();
        Optional<MetricsPoint> nodePoint = SamplePoints.node(scrape.getNode());
        StoredPoints storedNode = previous == null ? null : previous.node();
        if (nodePoint.isPresent()) {
            Step step = step(storedNode, nodePoint.get(), null);
            nodePoints = step.stored();
            if (step.usage().isPresent() && step.usage().get().timestampMillis() > nodeEmitted) {
                Usage usage = step.usage().get();
                emissions.add(new Emission.NodeUpdate(nodeName, nodeMetrics(nodeName, scrape.getNodeInfo(), usage),
                        usage.timestampMillis()));
                nodeEmitted = usage.timestampMillis();
                nodeUsage = usage;
            }
        } else if (nodeEmitted != PodState.NOT_EMITTED) {
            emissions.add(new Emission.NodeTombstone(nodeName, nowMillis));
            nodeEmitted = PodState.NOT_EMITTED;
            nodeUsage = null;
        }

        Map<String, PodState> previousPods = previous == null ? Map.of() : previous.pods();
        Map<String, PodState> pods = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (PodSample pod : scrape.getPods()) {
            String podKey = podKey(pod);
            if (!seen.add(podKey)) {
                notPublished.put(podKey, NotPublished.duplicate());
                continue; // metrics-server keeps the first of duplicate pods
            }
            PodState before = previousPods.get(podKey);
            PodOutcome outcome = pod(nodeName, pod, before, resolution);
            long emitted = before == null ? PodState.NOT_EMITTED : before.emittedTimestampMillis();
            PodMetrics lastEmitted = before == null ? null : before.lastEmitted();
            PodAssembler.Result assembled = outcome.assembled();
            if (assembled instanceof PodAssembler.Result.Assembled ok) {
                if (ok.metrics().getTimestampMillis() > emitted) {
                    emissions.add(new Emission.PodUpdate(podKey, ok.metrics(), ok.metrics().getTimestampMillis()));
                    emitted = ok.metrics().getTimestampMillis();
                    lastEmitted = ok.metrics();
                }
            } else {
                notPublished.put(podKey, NotPublished.of(assembled));
                if (assembled instanceof PodAssembler.Result.NotRunning && emitted != PodState.NOT_EMITTED) {
                    emissions.add(new Emission.PodTombstone(podKey, nowMillis));
                    emitted = PodState.NOT_EMITTED;
                    lastEmitted = null;
                }
            }
            pods.put(podKey, new PodState(emitted, outcome.containers(), lastEmitted));
        }
        for (Map.Entry<String, PodState> gone : previousPods.entrySet()) {
            if (!seen.contains(gone.getKey()) && gone.getValue().emitted()) {
                emissions.add(new Emission.PodTombstone(gone.getKey(), nowMillis));
            }
        }
        long watermark = Math.max(previous == null ? NO_SAMPLE : previous.newestSampleMillis(), newestSample);
        NodeState next = new NodeState(watermark, nowMillis, nodePoints, nodeEmitted, pods, nodeUsage,
                previous == null ? NodeState.NO_WATERMARK : previous.windowWatermarkMillis(),
                previous == null ? null : previous.windows(),
                SummarySteps.apply(previous == null ? Map.of() : previous.summary(), scrape));
        return new Result(next, emissions, false, notPublished);
    }

    /** No sample time at all in a scrape (no node sample, no pods). */
    static final long NO_SAMPLE = Long.MIN_VALUE;

    /**
     * The newest kubelet sample time in a scrape. Replays are recognised on the kubelet's clock, not the collector's:
     * the rates are computed on kubelet time anyway, and a collector whose clock is behind (another replica taking
     * the node over) must not have its scrapes ignored.
     */
    static long newestSampleMillis(NodeScrape scrape) {
        long newest = NO_SAMPLE;
        if (scrape.getNode() != null) {
            newest = max(newest, scrape.getNode().getCpuTimestampMillis());
            newest = max(newest, scrape.getNode().getMemoryTimestampMillis());
        }
        for (PodSample pod : scrape.getPods()) {
            for (ContainerSample container : pod.getContainers()) {
                newest = max(newest, container.getCpuTimestampMillis());
                newest = max(newest, container.getMemoryTimestampMillis());
            }
        }
        return newest;
    }

    private static long max(long current, Long candidate) {
        return candidate == null ? current : Math.max(current, candidate);
    }

    /** The key of a pod on pod-metrics: {@code namespace/name}. */
    public static String podKey(PodSample pod) {
        return pod.getNamespace() + "/" + pod.getName();
    }

    private record PodOutcome(PodAssembler.Result assembled, Map<String, StoredPoints> containers) {
    }

    private static PodOutcome pod(String nodeName, PodSample pod, PodState before, Duration resolution) {
        Map<String, StoredPoints> storedContainers = before == null ? Map.of() : before.containers();
        Map<String, StoredPoints> containers = new TreeMap<>();
        Map<String, ContainerVerdict> verdicts = new TreeMap<>();
        for (ContainerSample container : pod.getContainers()) {
            String name = container.getName();
            if (verdicts.containsKey(name)) {
                continue; // metrics-server keeps the first of duplicate containers
            }
            if (SamplePoints.leftOut(container)) {
                // zero CPU and memory: a completed or not yet started container is left out, but one that reported
                // real usage last scrape has just restarted, and leaving it out would publish a pod total that is
                // too low; the pod waits for the container's next points instead
                verdicts.put(name, storedContainers.containsKey(name)
                        ? new ContainerVerdict.NoRate("zero sample right after real ones (restarting)")
                        : new ContainerVerdict.LeftOut());
                continue;
            }
            Optional<MetricsPoint> point = SamplePoints.container(container);
            if (point.isEmpty()) {
                verdicts.put(name, new ContainerVerdict.Incomplete("incomplete sample"));
                continue;
            }
            Step step = step(storedContainers.get(name), point.get(), resolution);
            containers.put(name, step.stored());
            verdicts.put(name, step.usage()
                    .<ContainerVerdict>map(ContainerVerdict.Rated::new)
                    .orElseGet(() -> new ContainerVerdict.NoRate(step.outcome())));
        }
        return new PodOutcome(PodAssembler.assemble(nodeName, pod, verdicts), containers);
    }

    private record Step(StoredPoints stored, Optional<Usage> usage, String outcome) {
    }

    /**
     * One point through the rate rule ({@code resolution} null for a node). A point not newer than the stored last
     * one keeps the stored points and their rate, whatever the rule would do with it.
     */
    private static Step step(StoredPoints stored, MetricsPoint point, Duration resolution) {
        if (stored != null && point.timestampMillis() <= stored.last().timestampMillis()) {
            Optional<Usage> kept = stored.previous() == null ? Optional.empty() : RateRule.usage(stored);
            return new Step(stored, kept, "NotNewer");
        }
        RateOutcome outcome = resolution == null
                ? RateRule.node(stored, point)
                : RateRule.container(stored, point, resolution);
        return new Step(outcome.stored(), outcome.usage(), outcome.getClass().getSimpleName());
    }

    private static NodeMetrics nodeMetrics(String nodeName, NodeInfo info, Usage usage) {
        return NodeMetrics.newBuilder()
                .setNodeName(nodeName)
                .setLabels(info == null ? Map.of() : new TreeMap<>(info.getLabels()))
                .setTimestampMillis(usage.timestampMillis())
                .setWindowNanos(usage.windowNanos())
                .setCpuNanocores(usage.cpuNanocores())
                .setMemoryWorkingSetBytes(usage.memoryWorkingSetBytes())
                .build();
    }
}
