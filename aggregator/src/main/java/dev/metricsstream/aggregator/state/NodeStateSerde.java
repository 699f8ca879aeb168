package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.StoredPoints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact, versioned binary form of {@link NodeState} for the state store and its changelog. Hand-rolled because
 * the state is internal (never read by another service) and is written once per scrape: 4 longs per point, strings
 * as modified UTF-8. A leading format version lets a later release read what this one wrote.
 */
public final class NodeStateSerde implements Serde<NodeState>, Serializer<NodeState>, Deserializer<NodeState> {

    static final byte FORMAT_VERSION = 1;
    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;

    @Override
    public byte[] serialize(String topic, NodeState state) {
        if (state == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + state.pods().size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeLong(state.newestSampleMillis());
            out.writeLong(state.lastSeenMillis());
            writePoints(out, state.node());
            out.writeLong(state.nodeEmittedTimestampMillis());
            out.writeInt(state.pods().size());
            for (Map.Entry<String, PodState> pod : state.pods().entrySet()) {
                out.writeUTF(pod.getKey());
                out.writeLong(pod.getValue().emittedTimestampMillis());
                out.writeInt(pod.getValue().containers().size());
                for (Map.Entry<String, StoredPoints> container : pod.getValue().containers().entrySet()) {
                    out.writeUTF(container.getKey());
                    writePoints(out, container.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public NodeState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new SerializationException("unknown node state format version " + version);
            }
            long newestSampleMillis = in.readLong();
            long lastSeenMillis = in.readLong();
            StoredPoints node = readPoints(in);
            long nodeEmitted = in.readLong();
            int podCount = in.readInt();
            Map<String, PodState> pods = new LinkedHashMap<>();
            for (int p = 0; p < podCount; p++) {
                String podKey = in.readUTF();
                long emitted = in.readLong();
                int containerCount = in.readInt();
                Map<String, StoredPoints> containers = new LinkedHashMap<>();
                for (int c = 0; c < containerCount; c++) {
                    String name = in.readUTF();
                    containers.put(name, readPoints(in));
                }
                pods.put(podKey, new PodState(emitted, containers));
            }
            return new NodeState(newestSampleMillis, lastSeenMillis, node, nodeEmitted, pods);
        } catch (IOException e) {
            throw new SerializationException("corrupt node state", e);
        }
    }

    private static void writePoints(DataOutputStream out, StoredPoints points) throws IOException {
        if (points == null) {
            out.writeByte(ABSENT);
            return;
        }
        out.writeByte(PRESENT);
        writePoint(out, points.previous());
        writePoint(out, points.last());
    }

    private static StoredPoints readPoints(DataInputStream in) throws IOException {
        if (in.readByte() == ABSENT) {
            return null;
        }
        MetricsPoint previous = readPoint(in);
        MetricsPoint last = readPoint(in);
        return new StoredPoints(previous, last);
    }

    private static void writePoint(DataOutputStream out, MetricsPoint point) throws IOException {
        if (point == null) {
            out.writeByte(ABSENT);
            return;
        }
        out.writeByte(PRESENT);
        out.writeLong(point.startTimeMillis());
        out.writeLong(point.timestampMillis());
        out.writeLong(point.cumulativeCpuNanos());
        out.writeLong(point.memoryWorkingSetBytes());
    }

    private static MetricsPoint readPoint(DataInputStream in) throws IOException {
        if (in.readByte() == ABSENT) {
            return null;
        }
        return new MetricsPoint(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    @Override
    public Serializer<NodeState> serializer() {
        return this;
    }

    @Override
    public Deserializer<NodeState> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing to release
    }
}
