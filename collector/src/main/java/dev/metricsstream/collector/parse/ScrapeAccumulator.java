package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects node, pod and container values while a decoder reads, then builds one sorted {@link NodeScrape}. */
final class ScrapeAccumulator {
    private final NodeSample node = Samples.emptyNode();
    private final Map<String, PodEntry> pods = new HashMap<>();
    private boolean anything;

    NodeSample node() {
        anything = true;
        return node;
    }

    PodSample pod(String namespace, String name) {
        return entry(namespace, name).pod;
    }

    ContainerSample container(String namespace, String pod, String container) {
        return entry(namespace, pod).containers.computeIfAbsent(container, Samples::emptyContainer);
    }

    private PodEntry entry(String namespace, String name) {
        anything = true;
        return pods.computeIfAbsent(namespace + '/' + name, k -> new PodEntry(Samples.emptyPod(namespace, name)));
    }

    /** True once any node, pod or container value was recorded. */
    boolean hasAnything() {
        return anything;
    }

    NodeScrape build(String nodeName, long scrapeTimeMillis, ScrapeSource source) {
        List<PodSample> podList = new ArrayList<>(pods.size());
        for (PodEntry entry : pods.values()) {
            List<ContainerSample> containers = new ArrayList<>(entry.containers.values());
            containers.sort(Comparator.comparing(ContainerSample::getName));
            entry.pod.setContainers(containers);
            podList.add(entry.pod);
        }
        podList.sort(Samples.POD_ORDER);
        NodeScrape scrape = new NodeScrape();
        scrape.setNodeName(nodeName);
        scrape.setScrapeTimeMillis(scrapeTimeMillis);
        scrape.setSource(source);
        scrape.setNode(node);
        scrape.setPods(podList);
        scrape.setNodeInfo(null);
        return scrape;
    }

    private static final class PodEntry {
        final PodSample pod;
        final Map<String, ContainerSample> containers = new LinkedHashMap<>();

        PodEntry(PodSample pod) {
            this.pod = pod;
        }
    }
}
