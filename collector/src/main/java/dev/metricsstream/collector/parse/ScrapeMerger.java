package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Merges the partial scrapes of two endpoints of one node into one NodeScrape: every value of the primary
 * (normally {@code /metrics/resource}, what metrics-server reads) is kept, and each field it lacks is filled from the
 * secondary ({@code /stats/summary}: memory detail, network, filesystem, uid). Pods and containers are the union.
 * The primary is completed in place and returned (both inputs are fresh decoder output owned by the caller).
 */
public final class ScrapeMerger {
    private ScrapeMerger() {
    }

    public static NodeScrape merge(NodeScrape primary, NodeScrape secondary, ScrapeSource mergedSource) {
        NodeScrape merged = primary;
        merged.setSource(mergedSource);
        fillNulls(merged.getNode(), secondary.getNode());
        if (merged.getNodeInfo() == null) {
            merged.setNodeInfo(secondary.getNodeInfo());
        }
        Map<String, PodSample> pods = new LinkedHashMap<>();
        for (PodSample pod : merged.getPods()) {
            pods.put(pod.getNamespace() + "/" + pod.getName(), pod);
        }
        for (PodSample other : secondary.getPods()) {
            PodSample pod = pods.get(other.getNamespace() + "/" + other.getName());
            if (pod == null) {
                pods.put(other.getNamespace() + "/" + other.getName(), other);
            } else {
                mergePod(pod, other);
            }
        }
        List<PodSample> podList = new ArrayList<>(pods.values());
        podList.sort(Samples.POD_ORDER);
        merged.setPods(podList);
        return merged;
    }

    private static void mergePod(PodSample pod, PodSample other) {
        boolean noLabels = pod.getLabels().isEmpty();
        fillNulls(pod, other); // uid, phase, network counters and time, start time, ephemeral storage
        if (noLabels) {
            pod.setLabels(other.getLabels());
        }
        Map<String, ContainerSample> containers = new LinkedHashMap<>();
        for (ContainerSample container : pod.getContainers()) {
            containers.put(container.getName(), container);
        }
        for (ContainerSample other2 : other.getContainers()) {
            ContainerSample container = containers.get(other2.getName());
            if (container == null) {
                containers.put(other2.getName(), other2);
            } else {
                fillNulls(container, other2);
            }
        }
        List<ContainerSample> list = new ArrayList<>(containers.values());
        list.sort((a, b) -> a.getName().compareTo(b.getName()));
        pod.setContainers(list);
    }

    /**
     * Every null field of {@code target} takes the value of the same field in {@code source} (the scalar fields; a
     * pod's labels and containers are never null and are merged by the caller).
     */
    private static void fillNulls(SpecificRecordBase target, SpecificRecordBase source) {
        for (Schema.Field field : target.getSchema().getFields()) {
            if (target.get(field.pos()) == null) {
                target.put(field.pos(), source.get(field.pos()));
            }
        }
    }
}
