package dev.metricsstream.aggregator.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A growable byte buffer with LEB128 varints, zig-zag signed varints and strings that are written once per buffer
 * and then referred to by index (label keys, container names and label values repeat across a node's pods).
 */
final class CompactOutput {

    private byte[] buffer;
    private int length;
    private final Map<String, Integer> strings = new HashMap<>();

    CompactOutput(int capacity) {
        buffer = new byte[Math.max(16, capacity)];
    }

    void writeByte(int value) {
        ensure(1);
        buffer[length++] = (byte) value;
    }

    void writeVarLong(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buffer[length++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[length++] = (byte) v;
    }

    void writeSignedVarLong(long value) {
        writeVarLong((value << 1) ^ (value >> 63));
    }

    void writeString(String value) {
        Integer known = strings.get(value);
        if (known != null) {
            writeVarLong(((long) known << 1) | 1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeVarLong((long) bytes.length << 1);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
        strings.put(value, strings.size());
    }

    void writeStringMap(Map<String, String> map) {
        writeVarLong(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            writeString(entry.getKey());
            writeString(entry.getValue());
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
