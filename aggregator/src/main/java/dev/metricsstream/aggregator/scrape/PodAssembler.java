package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.PodSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one pod's {@code PodMetrics} from its containers' verdicts, as metrics-server's {@code podStorage.GetMetrics}
 * does, with one deliberate difference: a container reporting zero CPU and zero memory is left out instead of
 * dropping the pod.
 *
 * <ul>
 *   <li>Only pods in phase {@code Running} are emitted. A null phase (the collector had no metadata for the pod) is
 *       taken as Running: the kubelet's {@code /metrics/resource} lists only pods with running containers, and
 *       metrics-server itself serves pods it has no metadata for.</li>
 *   <li>The pod is emitted only when every remaining container has a rate.</li>
 *   <li>{@code timestamp}/{@code window} come from the container with the earliest timestamp (metrics-server's
 *       {@code earliestTimeInfo}).</li>
 *   <li>Containers are listed sorted by name (metrics-server's order is a Go map's; sorted is stable).</li>
 * </ul>
 */
public final class PodAssembler {

    public static final String RUNNING = "Running";

    private PodAssembler() {
    }

    /** Result of assembling one pod. */
    public sealed interface Result {
        /** A pod to publish. */
        record Assembled(PodMetrics metrics) implements Result {
        }

        /** The pod's phase is known and not Running: it must not be served. */
        record NotRunning(String phase) implements Result {
        }

        /** Some container has no rate (yet): nothing new to publish this scrape. */
        record Incomplete(String reason) implements Result {
        }

        /** Every container was left out (all completed or not started). */
        record NoContainers() implements Result {
        }
    }

    /** True when the pod may be served: phase Running, or unknown. */
    public static boolean running(PodSample pod) {
        return pod.getPhase() == null || RUNNING.equals(pod.getPhase());
    }

    public static Result assemble(String nodeName, PodSample pod, Map<String, ContainerVerdict> verdicts) {
        if (!running(pod)) {
            return new Result.NotRunning(pod.getPhase());
        }
        List<ContainerMetrics> containers = new ArrayList<>();
        Usage earliest = null;
        for (Map.Entry<String, ContainerVerdict> entry : new TreeMap<>(verdicts).entrySet()) {
            ContainerVerdict verdict = entry.getValue();
            if (verdict instanceof ContainerVerdict.LeftOut) {
                continue;
            }
            if (verdict instanceof ContainerVerdict.Incomplete incomplete) {
                return new Result.Incomplete("container " + entry.getKey() + ": " + incomplete.reason());
            }
            if (verdict instanceof ContainerVerdict.NoRate noRate) {
                return new Result.Incomplete("container " + entry.getKey() + " has no rate: " + noRate.outcome());
            }
            Usage usage = ((ContainerVerdict.Rated) verdict).usage();
            containers.add(ContainerMetrics.newBuilder()
                    .setName(entry.getKey())
                    .setCpuNanocores(usage.cpuNanocores())
                    .setMemoryWorkingSetBytes(usage.memoryWorkingSetBytes())
                    .build());
            if (earliest == null || EARLIEST.compare(usage, earliest) < 0) {
                earliest = usage;
            }
        }
        if (earliest == null) {
            return new Result.NoContainers();
        }
        return new Result.Assembled(PodMetrics.newBuilder()
                .setNamespace(pod.getNamespace())
                .setName(pod.getName())
                .setNodeName(nodeName)
                .setLabels(new TreeMap<>(pod.getLabels()))
                .setTimestampMillis(earliest.timestampMillis())
                .setWindowNanos(earliest.windowNanos())
                .setContainers(containers)
                .build());
    }

    private static final Comparator<Usage> EARLIEST = Comparator.comparingLong(Usage::timestampMillis);
}
