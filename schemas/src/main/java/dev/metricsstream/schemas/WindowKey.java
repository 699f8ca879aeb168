package dev.metricsstream.schemas;

import java.util.Objects;

/**
 * The key of a {@code MetricsWindow} on {@code *-metrics-windows}: {@code entity@windowSizeMillis@windowStartMillis},
 * where entity is a node name or a pod's {@code namespace/name}. Kubernetes names never contain '@'.
 */
public record WindowKey(String entity, long windowSizeMillis, long windowStartMillis) {

    public WindowKey {
        Objects.requireNonNull(entity, "entity");
        if (entity.isEmpty() || entity.indexOf('@') >= 0) {
            throw new IllegalArgumentException("window entity '" + entity + "' must be non-empty without '@'");
        }
        if (windowSizeMillis <= 0) {
            throw new IllegalArgumentException("windowSizeMillis must be positive, got " + windowSizeMillis);
        }
    }

    /** Parses {@code entity@windowSizeMillis@windowStartMillis}; throws IllegalArgumentException otherwise. */
    public static WindowKey parse(String key) {
        Objects.requireNonNull(key, "key");
        String[] parts = key.split("@", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("window key '" + key + "' is not entity@windowSizeMillis@windowStartMillis");
        }
        try {
            return new WindowKey(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window key '" + key + "' has a non-numeric size or start", e);
        }
    }

    public String format() {
        return entity + "@" + windowSizeMillis + "@" + windowStartMillis;
    }

    @Override
    public String toString() {
        return format();
    }
}
