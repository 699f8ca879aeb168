package dev.metricsstream.testkit.kubelet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod to add to a node with {@link SimNode#addPod(PodSpec)}:
 *
 * <pre>{@code
 * node.addPod(PodSpec.builder("shop", "cart-7d9f8c6b5-x2k4q")
 *         .label("app", "cart")
 *         .container(ContainerSpec.of("cart", "ghcr.io/example/cart:1.9.0", 250, 128))
 *         .initContainer("migrate", "ghcr.io/example/cart:1.9.0")
 *         .build());
 * }</pre>
 *
 * @param namespace namespace
 * @param name pod name
 * @param labels pod labels (insertion order kept)
 * @param containers the app containers (at least one)
 * @param initContainers names and images of init containers; they complete before the app containers start and
 *     report zero CPU and memory in the stats (as the kubelet does for completed containers on Windows)
 * @param phase {@link PodPhase#RUNNING} (default: containers start at once) or {@link PodPhase#PENDING}
 */
public record PodSpec(String namespace, String name, Map<String, String> labels, List<ContainerSpec> containers,
        Map<String, String> initContainers, PodPhase phase) {

    public PodSpec {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        containers = List.copyOf(containers);
        initContainers = Collections.unmodifiableMap(new LinkedHashMap<>(initContainers));
        Objects.requireNonNull(phase, "phase");
        if (containers.isEmpty()) {
            throw new IllegalArgumentException("pod " + namespace + "/" + name + " needs at least one container");
        }
        if (phase == PodPhase.SUCCEEDED) {
            throw new IllegalArgumentException("a new pod is PENDING or RUNNING, not " + phase);
        }
    }

    /** Starts a spec for pod {@code namespace/name}. */
    public static Builder builder(String namespace, String name) {
        return new Builder(namespace, name);
    }

    /** Builder of {@link PodSpec}. */
    public static final class Builder {
        private final String namespace;
        private final String name;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<ContainerSpec> containers = new ArrayList<>();
        private final Map<String, String> initContainers = new LinkedHashMap<>();
        private PodPhase phase = PodPhase.RUNNING;

        private Builder(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> more) {
            labels.putAll(more);
            return this;
        }

        public Builder container(ContainerSpec container) {
            containers.add(container);
            return this;
        }

        public Builder initContainer(String containerName, String image) {
            initContainers.put(containerName, image);
            return this;
        }

        /** {@link PodPhase#PENDING} creates the pod without starting it; see {@link SimPod#setPhase(PodPhase)}. */
        public Builder phase(PodPhase podPhase) {
            this.phase = podPhase;
            return this;
        }

        public PodSpec build() {
            return new PodSpec(namespace, name, labels, containers, initContainers, phase);
        }
    }
}
