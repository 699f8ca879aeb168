package dev.metricsstream.collector.metadata;

import java.util.Map;

/** What the collector attaches to a pod's samples: uid, phase (Running, Pending, ...) and labels. */
public record PodMetadata(String uid, String phase, Map<String, String> labels) {
    public PodMetadata {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
