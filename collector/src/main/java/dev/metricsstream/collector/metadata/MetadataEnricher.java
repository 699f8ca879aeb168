package dev.metricsstream.collector.metadata;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import java.util.HashMap;

/** Attaches pod and node metadata to a scrape. Pods the metadata does not know keep phase null and no labels. */
public final class MetadataEnricher {
    private MetadataEnricher() {
    }

    /** @return the number of pods whose metadata was not known (or belonged to another pod of the same name) */
    public static int apply(NodeScrape scrape, NodeMetadata metadata) {
        int unknown = 0;
        for (PodSample pod : scrape.getPods()) {
            PodMetadata meta = metadata.pods().get(NodeMetadata.key(pod.getNamespace(), pod.getName()));
            boolean sameIncarnation = meta != null
                    && (pod.getUid() == null || meta.uid() == null || pod.getUid().equals(meta.uid()));
            if (!sameIncarnation) {
                unknown++;
                continue;
            }
            if (pod.getUid() == null) {
                pod.setUid(meta.uid());
            }
            pod.setPhase(meta.phase());
            pod.setLabels(new HashMap<>(meta.labels()));
        }
        if (metadata.nodeInfo() != null) {
            scrape.setNodeInfo(metadata.nodeInfo());
        }
        return unknown;
    }
}
