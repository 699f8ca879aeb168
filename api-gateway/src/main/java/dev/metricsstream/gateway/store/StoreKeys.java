package dev.metricsstream.gateway.store;

/**
 * Keys of the gateway's local stores. Pods are stored under {@code namespace + '\0' + name}: NUL sorts below every
 * character a namespace may contain, so byte order of the keys is namespace-then-name order (what metrics-server
 * lists) and one namespace is the contiguous range that starts with {@code namespace + '\0'}. (With the topic's
 * {@code namespace/name} key, {@code a-b/x} would sort before {@code a/y}.)
 */
public final class StoreKeys {
    public static final char SEPARATOR = '\0';

    private StoreKeys() {
    }

    public static String pod(String namespace, String name) {
        return namespace + SEPARATOR + name;
    }

    public static String namespacePrefix(String namespace) {
        return namespace + SEPARATOR;
    }

    /** The first latest-window key of the entities of {@code entityKind} whose name starts with {@code prefix}. */
    public static String windowPrefix(String entityKind, String prefix) {
        return entityKind + SEPARATOR + prefix;
    }

    /** Latest-window key: one entry per entity kind, entity and window size. */
    public static String window(String entityKind, String entity, long windowSizeMillis) {
        return entityKind + SEPARATOR + entity + SEPARATOR + windowSizeMillis;
    }
}
