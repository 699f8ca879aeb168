package dev.metricsstream.aggregator.window;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Versioned binary form of a {@link WindowAggregate} for the window stores: the scalars, then both histograms in
 * HdrHistogram's compressed encoding (typically a few hundred bytes each).
 */
public final class WindowAggregateSerde
        implements Serde<WindowAggregate>, Serializer<WindowAggregate>, Deserializer<WindowAggregate> {

    static final byte FORMAT_VERSION = 1;

    @Override
    public byte[] serialize(String topic, WindowAggregate aggregate) {
        if (aggregate == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeLong(aggregate.count);
            out.writeDouble(aggregate.cpuSumNanocores);
            out.writeLong(aggregate.cpuMinNanocores);
            out.writeLong(aggregate.cpuMaxNanocores);
            out.writeDouble(aggregate.memorySumBytes);
            out.writeLong(aggregate.memoryMinBytes);
            out.writeLong(aggregate.memoryMaxBytes);
            out.writeBoolean(aggregate.nodeName != null);
            if (aggregate.nodeName != null) {
                out.writeUTF(aggregate.nodeName);
            }
            out.writeInt(aggregate.labels.size());
            for (Map.Entry<String, String> label : aggregate.labels.entrySet()) {
                out.writeUTF(label.getKey());
                out.writeUTF(label.getValue());
            }
            writeHistogram(out, aggregate.cpuNanocores);
            writeHistogram(out, aggregate.memoryBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public WindowAggregate deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new SerializationException("unknown window aggregate format version " + version);
            }
            WindowAggregate aggregate = new WindowAggregate();
            aggregate.count = in.readLong();
            aggregate.cpuSumNanocores = in.readDouble();
            aggregate.cpuMinNanocores = in.readLong();
            aggregate.cpuMaxNanocores = in.readLong();
            aggregate.memorySumBytes = in.readDouble();
            aggregate.memoryMinBytes = in.readLong();
            aggregate.memoryMaxBytes = in.readLong();
            aggregate.nodeName = in.readBoolean() ? in.readUTF() : null;
            int labelCount = in.readInt();
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < labelCount; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            aggregate.labels = labels;
            aggregate.cpuNanocores = readHistogram(in);
            aggregate.memoryBytes = readHistogram(in);
            return aggregate;
        } catch (IOException | DataFormatException e) {
            throw new SerializationException("corrupt window aggregate", e);
        }
    }

    private static void writeHistogram(DataOutputStream out, Histogram histogram) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        out.writeInt(length);
        out.write(buffer.array(), 0, length);
    }

    private static Histogram readHistogram(DataInputStream in) throws IOException, DataFormatException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        Histogram histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(encoded), 0);
        histogram.setAutoResize(true);
        return histogram;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public Serializer<WindowAggregate> serializer() {
        return this;
    }

    @Override
    public Deserializer<WindowAggregate> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
