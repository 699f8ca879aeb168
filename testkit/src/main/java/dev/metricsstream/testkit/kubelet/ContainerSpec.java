package dev.metricsstream.testkit.kubelet;

import java.util.Objects;

/**
 * A container to create with {@link PodSpec}.
 *
 * @param name container name
 * @param image image reference, e.g. {@code "nginx:1.29.0"}
 * @param cpuNanocores CPU rate it will use (250_000_000 = 250m = a quarter core)
 * @param memoryWorkingSetBytes working-set level its memory varies around
 */
public record ContainerSpec(String name, String image, long cpuNanocores, long memoryWorkingSetBytes) {

    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        if (cpuNanocores < 0 || memoryWorkingSetBytes < 0) {
            throw new IllegalArgumentException("container " + name + ": usage must not be negative");
        }
    }

    /** A container using {@code cpuMillicores} m of CPU and {@code memoryMebibytes} Mi of working set. */
    public static ContainerSpec of(String name, String image, long cpuMillicores, long memoryMebibytes) {
        return new ContainerSpec(name, image, cpuMillicores * 1_000_000L, memoryMebibytes * 1024L * 1024L);
    }
}
