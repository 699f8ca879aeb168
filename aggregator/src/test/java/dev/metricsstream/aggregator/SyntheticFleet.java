package dev.metricsstream.aggregator;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeScrapes of a made-up fleet whose true CPU rates are known exactly: container {@code c} of pod {@code p} on node
 * {@code n} uses {@link #containerRateNanocores} all the time, the node uses {@link #nodeRateNanocores}. Round
 * {@code r} is sampled at {@code startMillis + r × resolution}. Stands in for collector + kubelet simulator until
 * those are on main.
 */
public record SyntheticFleet(int nodes, int podsPerNode, int containersPerPod, long startMillis,
                             long resolutionMillis) {

    public static String nodeName(int node) {
        return "node-" + node;
    }

    public static String podName(int node, int pod) {
        return "pod-" + node + "-" + pod;
    }

    public static long containerRateNanocores(int node, int pod, int container) {
        return 1_000_000L * (7 + (node * 31L + pod * 17L + container * 5L) % 900); // 7m..906m
    }

    public long podRateNanocores(int node, int pod) {
        long sum = 0;
        for (int c = 0; c < containersPerPod; c++) {
            sum += containerRateNanocores(node, pod, c);
        }
        return sum;
    }

    public long nodeRateNanocores(int node) {
        long sum = 250_000_000L; // system overhead
        for (int p = 0; p < podsPerNode; p++) {
            sum += podRateNanocores(node, p);
        }
        return sum;
    }

    public long sampleTimeMillis(int round) {
        return startMillis + round * resolutionMillis;
    }

    public NodeScrape scrape(int node, int round) {
        long ts = sampleTimeMillis(round);
        long elapsedSeconds = round * resolutionMillis / 1000;
        long containerStart = startMillis - 3_600_000L;
        List<PodSample> pods = new ArrayList<>(podsPerNode);
        for (int p = 0; p < podsPerNode; p++) {
            List<ContainerSample> containers = new ArrayList<>(containersPerPod);
            for (int c = 0; c < containersPerPod; c++) {
                long rate = containerRateNanocores(node, p, c);
                containers.add(ContainerSample.newBuilder().setName("c" + c)
                        .setStartTimeMillis(containerStart)
                        .setCumulativeCpuNanos(3_600L * rate + elapsedSeconds * rate)
                        .setCpuTimestampMillis(ts)
                        .setMemoryWorkingSetBytes((64L << 20) + p * 4096L + c)
                        .setMemoryTimestampMillis(ts).build());
            }
            pods.add(PodSample.newBuilder().setNamespace("ns-" + (p % 5)).setName(podName(node, p))
                    .setUid("uid-" + node + "-" + p).setPhase("Running").setLabels(Map.of("app", "a" + p % 7))
                    .setContainers(containers).build());
        }
        long nodeRate = nodeRateNanocores(node);
        return NodeScrape.newBuilder().setNodeName(nodeName(node)).setScrapeTimeMillis(ts + 7)
                .setSource(ScrapeSource.METRICS_RESOURCE)
                .setNode(NodeSample.newBuilder().setStartTimeMillis(containerStart - 60_000)
                        .setCumulativeCpuNanos(7_200L * nodeRate + elapsedSeconds * nodeRate)
                        .setCpuTimestampMillis(ts).setMemoryWorkingSetBytes(8L << 30).setMemoryTimestampMillis(ts)
                        .build())
                .setPods(pods)
                .setNodeInfo(NodeInfo.newBuilder().setLabels(Map.of("kubernetes.io/hostname", nodeName(node)))
                        .build())
                .build();
    }
}
