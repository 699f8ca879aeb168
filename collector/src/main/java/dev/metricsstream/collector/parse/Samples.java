package dev.metricsstream.collector.parse;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.PodSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;

/** Empty Avro samples with every required field set (the generated no-arg constructors leave them null). */
public final class Samples {
    /** Pods sorted by namespace, then name: the order every NodeScrape carries. */
    public static final Comparator<PodSample> POD_ORDER =
            Comparator.comparing(PodSample::getNamespace).thenComparing(PodSample::getName);

    private Samples() {
    }

    public static NodeSample emptyNode() {
        return new NodeSample();
    }

    public static PodSample emptyPod(String namespace, String name) {
        PodSample pod = new PodSample();
        pod.setNamespace(namespace);
        pod.setName(name);
        pod.setLabels(new HashMap<>());
        pod.setContainers(new ArrayList<>());
        return pod;
    }

    public static ContainerSample emptyContainer(String name) {
        ContainerSample container = new ContainerSample();
        container.setName(name);
        return container;
    }
}
