package dev.metricsstream.gateway.store;

import dev.metricsstream.schemas.StringSource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The strings of {@code node-usage} records, made once: between two records of a node its pods' namespaces, names,
 * label keys and values and container names almost never change, and they are decoded in the same order. So the
 * strings of a node's last record are kept in decoding order, and the n-th string of its next record is that
 * record's n-th string when the bytes are equal (compared in place, nothing allocated). A string that is not (the
 * node gained or lost a pod, a label changed) is looked up in a small direct-mapped table of recent strings shared by
 * all nodes (label keys, namespaces, common values), and made new only when it is not there either. Only ASCII
 * strings are reused; others are always made new.
 *
 * <p>Memory: one reference per string of each node's last record (~470 for a 30-pod node with 6 labels per pod)
 * plus the shared table; the strings themselves are the ones the view serves. Not thread-safe: the loader's thread.
 */
final class RepeatedStrings implements StringSource {
    private static final int SHARED_SLOTS = 4096; // a power of two
    private static final int MAX_SHARED_LENGTH = 253;

    private final Map<String, String[]> lastByNode = new HashMap<>();
    private final String[] shared = new String[SHARED_SLOTS];
    private String node;
    private String[] previous;
    private int cursor;
    private String[] current = new String[512];
    private int count;

    /** The next strings are those of a record of {@code node}. */
    void begin(String nodeName) {
        node = nodeName;
        previous = lastByNode.get(nodeName);
        cursor = 0;
        count = 0;
    }

    /** The record begun last was decoded and applied: its strings are the ones to compare the node's next with. */
    void commit() {
        if (previous != null && previous.length == count) {
            System.arraycopy(current, 0, previous, 0, count);
        } else {
            lastByNode.put(node, Arrays.copyOf(current, count));
        }
        previous = null;
    }

    /** The node is gone. */
    void forget(String nodeName) {
        lastByNode.remove(nodeName);
    }

    @Override
    public String string(byte[] utf8, int offset, int length) {
        String value = null;
        if (previous != null && cursor < previous.length && matches(previous[cursor], utf8, offset, length)) {
            value = previous[cursor];
        }
        cursor++;
        if (value == null) {
            value = shared(utf8, offset, length);
        }
        if (count == current.length) {
            current = Arrays.copyOf(current, count * 2);
        }
        current[count++] = value;
        return value;
    }

    private String shared(byte[] utf8, int offset, int length) {
        if (length > MAX_SHARED_LENGTH) {
            return new String(utf8, offset, length, StandardCharsets.UTF_8);
        }
        int hash = length;
        for (int i = offset; i < offset + length; i++) {
            byte b = utf8[i];
            if (b < 0) { // not ASCII
                return new String(utf8, offset, length, StandardCharsets.UTF_8);
            }
            hash = 31 * hash + b;
        }
        int slot = (hash ^ (hash >>> 15)) & (SHARED_SLOTS - 1);
        String candidate = shared[slot];
        if (matches(candidate, utf8, offset, length)) {
            return candidate;
        }
        String made = new String(utf8, offset, length, StandardCharsets.ISO_8859_1); // ASCII: the same string
        shared[slot] = made;
        return made;
    }

    /** The string is the ASCII bytes given (false for any non-ASCII byte). */
    private static boolean matches(String candidate, byte[] utf8, int offset, int length) {
        if (candidate == null || candidate.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = utf8[offset + i];
            if (b < 0 || candidate.charAt(i) != b) {
                return false;
            }
        }
        return true;
    }
}
