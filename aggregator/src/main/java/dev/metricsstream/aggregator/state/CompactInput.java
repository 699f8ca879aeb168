package dev.metricsstream.aggregator.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;

/** Reads what {@link CompactOutput} wrote. */
final class CompactInput {

    private final byte[] data;
    private int position;
    private final List<String> strings = new ArrayList<>();

    CompactInput(byte[] data, int offset) {
        this.data = data;
        this.position = offset;
    }

    int readByte() {
        check(1);
        return data[position++];
    }

    long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            check(1);
            byte b = data[position++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new SerializationException("corrupt node state: varint too long");
    }

    int readCount() {
        long count = readVarLong();
        if (count < 0 || count > data.length) {
            throw new SerializationException("corrupt node state: count " + count);
        }
        return (int) count;
    }

    long readSignedVarLong() {
        long raw = readVarLong();
        return (raw >>> 1) ^ -(raw & 1);
    }

    String readString() {
        long header = readVarLong();
        if ((header & 1) == 1) {
            long index = header >>> 1;
            if (index >= strings.size()) {
                throw new SerializationException("corrupt node state: string reference " + index);
            }
            return strings.get((int) index);
        }
        int size = (int) (header >>> 1);
        check(size);
        String value = new String(data, position, size, StandardCharsets.UTF_8);
        position += size;
        strings.add(value);
        return value;
    }

    Map<String, String> readStringMap() {
        int size = readCount();
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(), readString());
        }
        return map;
    }

    boolean atEnd() {
        return position == data.length;
    }

    private void check(int bytes) {
        if (bytes < 0 || position + bytes > data.length) {
            throw new SerializationException("corrupt node state: truncated");
        }
    }
}
