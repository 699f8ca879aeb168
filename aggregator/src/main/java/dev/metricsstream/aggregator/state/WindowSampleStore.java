package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.window.SampleLog;
import dev.metricsstream.aggregator.window.SampleSeries;
import dev.metricsstream.aggregator.window.WindowSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@link SampleLog} in a key-value store (changelogged RocksDB in the topology): one record per scrape that
 * published something, keyed {@code node, 0x00, chunk time} so that a node's chunks sort by time and a window close
 * reads them with one range scan. The value is the chunk's samples: entity, time as a delta below the chunk time,
 * CPU nanocores, memory bytes and labels, varints and strings written once per chunk (format 1). A scrape thus
 * writes only its own samples; the node state no longer carries them.
 */
public final class WindowSampleStore implements SampleLog {

    static final byte FORMAT_VERSION = 1;
    private static final byte SEPARATOR = 0;

    private final KeyValueStore<Bytes, byte[]> store;

    public WindowSampleStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The key of a node's chunk; node names are DNS names and never hold the 0x00 separator. */
    static Bytes key(String node, long chunkMillis) {
        byte[] name = node.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(name.length + 9);
        key.put(name).put(SEPARATOR).putLong(chunkMillis ^ Long.MIN_VALUE); // sign flipped: unsigned byte order
        return Bytes.wrap(key.array());
    }

    static long chunkMillisOf(Bytes key) {
        byte[] bytes = key.get();
        return ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() ^ Long.MIN_VALUE;
    }

    @Override
    public void append(String node, long chunkMillis, List<WindowSample> samples) {
        store.put(key(node, chunkMillis), encode(chunkMillis, samples));
    }

    @Override
    public Map<String, SampleSeries> read(String node, long fromChunkMillis) {
        Map<String, SampleSeries> series = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> chunks = store.range(key(node, fromChunkMillis),
                key(node, Long.MAX_VALUE))) {
            while (chunks.hasNext()) {
                KeyValue<Bytes, byte[]> chunk = chunks.next();
                for (WindowSample sample : decode(chunkMillisOf(chunk.key), chunk.value)) {
                    series.computeIfAbsent(sample.entity(), e -> new SampleSeries()).add(sample.timestampMillis(),
                            sample.cpuNanocores(), sample.memoryBytes(), sample.labels());
                }
            }
        }
        return series;
    }

    @Override
    public void deleteBefore(String node, long chunkMillis) {
        if (chunkMillis == Long.MIN_VALUE) {
            return;
        }
        delete(node, chunkMillis - 1);
    }

    @Override
    public void deleteAll(String node) {
        delete(node, Long.MAX_VALUE);
    }

    private void delete(String node, long throughChunkMillis) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> chunks = store.range(key(node, Long.MIN_VALUE),
                key(node, throughChunkMillis))) {
            while (chunks.hasNext()) {
                keys.add(chunks.next().key);
            }
        }
        keys.forEach(store::delete);
    }

    static byte[] encode(long chunkMillis, List<WindowSample> samples) {
        CompactOutput out = new CompactOutput(16 + samples.size() * 48);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(samples.size());
        for (WindowSample sample : samples) {
            out.writeString(sample.entity());
            out.writeVarLong(chunkMillis - sample.timestampMillis());
            out.writeVarLong(Math.max(0, sample.cpuNanocores()));
            out.writeVarLong(Math.max(0, sample.memoryBytes()));
            out.writeStringMap(sample.labels() == null ? Map.of() : new TreeMap<>(sample.labels()));
        }
        return out.toByteArray();
    }

    static List<WindowSample> decode(long chunkMillis, byte[] data) {
        if (data == null || data.length == 0 || data[0] != FORMAT_VERSION) {
            throw new SerializationException("unknown window sample chunk format "
                    + (data == null || data.length == 0 ? "(empty)" : Byte.toString(data[0])));
        }
        CompactInput in = new CompactInput(data, 1);
        int count = in.readCount();
        List<WindowSample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String entity = in.readString();
            long timestamp = chunkMillis - in.readVarLong();
            long cpu = in.readVarLong();
            long memory = in.readVarLong();
            samples.add(new WindowSample(entity, timestamp, cpu, memory, in.readStringMap()));
        }
        if (!in.atEnd()) {
            throw new SerializationException("corrupt window sample chunk: trailing bytes");
        }
        return samples;
    }
}
