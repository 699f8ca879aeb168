package dev.metricsstream.schemas;

import java.util.Objects;

/** The key of a pod on {@code pod-metrics} and the entity of a pod window: {@code namespace/name}. */
public record PodKey(String namespace, String name) {

    public PodKey {
        requireSegment(namespace, "namespace");
        requireSegment(name, "name");
    }

    /** Parses {@code namespace/name}; throws IllegalArgumentException for anything else. */
    public static PodKey parse(String key) {
        Objects.requireNonNull(key, "key");
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("pod key '" + key + "' is not namespace/name");
        }
        return new PodKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /** The key as it goes on the wire: {@code namespace/name}. */
    public String format() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return format();
    }

    private static void requireSegment(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('/') >= 0 || value.indexOf('@') >= 0) {
            throw new IllegalArgumentException("pod " + what + " '" + value + "' must be non-empty without '/' or '@'");
        }
    }
}
