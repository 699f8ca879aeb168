package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.MetricsPoint;
import dev.metricsstream.aggregator.rate.StoredPoints;
import dev.metricsstream.aggregator.rate.Usage;
import dev.metricsstream.aggregator.window.OpenWindows;
import dev.metricsstream.aggregator.window.SampleSeries;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact, versioned binary form of {@link NodeState} for the state store and its changelog. Hand-rolled because
 * the state is internal (never read by another service) and is written once per scrape. Format 3: varints, times as
 * deltas to the node's newest sample time, every string written once per state and then referred to by index
 * (label keys and values, container names repeat across pods), and of the windows only {@link OpenWindows} (the
 * samples are in {@link WindowSampleStore}). Earlier formats are still read, so an upgrade restores its state:
 * format 2 (window samples inside the state) comes back with them as {@link OpenWindows#legacySamples()}, which the
 * processor moves into the window sample store when it loads the state (until then such a state is written back in
 * format 2, unchanged); format 1 (fixed-width longs, rate points
 * only) as before.
 */
public final class NodeStateSerde implements Serde<NodeState>, Serializer<NodeState>, Deserializer<NodeState> {

    static final byte LEGACY_FORMAT_VERSION = 1;
    static final byte WINDOW_SAMPLES_FORMAT_VERSION = 2;
    static final byte FORMAT_VERSION = 3;
    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;
    private static final byte PRESENT_WITH_PREVIOUS = 2;

    @Override
    public byte[] serialize(String topic, NodeState state) {
        if (state == null) {
            return null;
        }
        CompactOutput out = new CompactOutput(64 + state.pods().size() * 96);
        Map<String, SampleSeries> legacy = state.windows().legacySamples();
        out.writeByte(legacy == null ? FORMAT_VERSION : WINDOW_SAMPLES_FORMAT_VERSION);
        long base = state.newestSampleMillis();
        out.writeSignedVarLong(base);
        out.writeSignedVarLong(state.lastSeenMillis() - base);
        writePoints(out, state.node(), base);
        out.writeSignedVarLong(state.nodeEmittedTimestampMillis());
        writeUsage(out, state.nodeUsage(), base);
        out.writeSignedVarLong(state.windowWatermarkMillis());
        out.writeVarLong(state.pods().size());
        for (Map.Entry<String, PodState> pod : state.pods().entrySet()) {
            out.writeString(pod.getKey());
            PodState podState = pod.getValue();
            out.writeSignedVarLong(podState.emittedTimestampMillis());
            out.writeVarLong(podState.containers().size());
            for (Map.Entry<String, StoredPoints> container : podState.containers().entrySet()) {
                out.writeString(container.getKey());
                writePoints(out, container.getValue(), base);
            }
            writePodMetrics(out, podState.lastEmitted(), base);
        }
        if (legacy == null) {
            writeOpenWindows(out, state.windows(), base);
        } else {
            // a state read from format 2 whose samples were not moved yet is written back as it was read
            out.writeVarLong(legacy.size());
            for (Map.Entry<String, SampleSeries> entry : new java.util.TreeMap<>(legacy).entrySet()) {
                out.writeString(entry.getKey());
                writeSeries(out, entry.getValue());
            }
        }
        SummaryStateCodec.write(out, state.summary(), base);
        return out.toByteArray();
    }

    @Override
    public NodeState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new SerializationException("empty node state");
        }
        if (data[0] == LEGACY_FORMAT_VERSION) {
            return deserializeLegacy(data);
        }
        if (data[0] != FORMAT_VERSION && data[0] != WINDOW_SAMPLES_FORMAT_VERSION) {
            throw new SerializationException("unknown node state format version " + data[0]);
        }
        CompactInput in = new CompactInput(data, 1);
        long base = in.readSignedVarLong();
        long lastSeenMillis = base + in.readSignedVarLong();
        StoredPoints node = readPoints(in, base);
        long nodeEmitted = in.readSignedVarLong();
        Usage nodeUsage = readUsage(in, base);
        long windowWatermark = in.readSignedVarLong();
        int podCount = in.readCount();
        Map<String, PodState> pods = new LinkedHashMap<>();
        for (int p = 0; p < podCount; p++) {
            String podKey = in.readString();
            long emitted = in.readSignedVarLong();
            int containerCount = in.readCount();
            Map<String, StoredPoints> containers = new LinkedHashMap<>();
            for (int c = 0; c < containerCount; c++) {
                String name = in.readString();
                containers.put(name, readPoints(in, base));
            }
            pods.put(podKey, new PodState(emitted, containers, readPodMetrics(in, podKey, base)));
        }
        OpenWindows windows;
        if (data[0] == WINDOW_SAMPLES_FORMAT_VERSION) {
            int seriesCount = in.readCount();
            Map<String, SampleSeries> series = new HashMap<>();
            for (int i = 0; i < seriesCount; i++) {
                String entity = in.readString();
                series.put(entity, readSeries(in));
            }
            windows = OpenWindows.legacy(series);
        } else {
            windows = readOpenWindows(in, base);
        }
        Map<String, SummaryState> summary = SummaryStateCodec.read(in, base);
        if (!in.atEnd()) {
            throw new SerializationException("corrupt node state: trailing bytes");
        }
        return new NodeState(base, lastSeenMillis, node, nodeEmitted, pods, nodeUsage, windowWatermark, windows,
                summary);
    }

    /** Per window size: the size and the first open sample time (absent: none); then the newest chunk time. */
    private static void writeOpenWindows(CompactOutput out, OpenWindows windows, long base) {
        out.writeVarLong(windows.sizeCount());
        for (int i = 0; i < windows.sizeCount(); i++) {
            out.writeVarLong(windows.sizeMillis(i));
            writeOptionalTime(out, windows.firstOpenMillis(i), OpenWindows.NONE, base);
        }
        writeOptionalTime(out, windows.lastChunkMillis(), OpenWindows.NO_CHUNK, base);
    }

    private static OpenWindows readOpenWindows(CompactInput in, long base) {
        int count = in.readCount();
        long[] sizes = new long[count];
        long[] first = new long[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = in.readVarLong();
            first[i] = readOptionalTime(in, OpenWindows.NONE, base);
        }
        return new OpenWindows(sizes, first, readOptionalTime(in, OpenWindows.NO_CHUNK, base));
    }

    private static void writeOptionalTime(CompactOutput out, long millis, long absent, long base) {
        if (millis == absent) {
            out.writeByte(ABSENT);
        } else {
            out.writeByte(PRESENT);
            out.writeSignedVarLong(millis - base);
        }
    }

    private static long readOptionalTime(CompactInput in, long absent, long base) {
        return in.readByte() == ABSENT ? absent : base + in.readSignedVarLong();
    }

    private static void writePoints(CompactOutput out, StoredPoints points, long base) {
        if (points == null) {
            out.writeByte(ABSENT);
            return;
        }
        out.writeByte(points.previous() == null ? PRESENT : PRESENT_WITH_PREVIOUS);
        if (points.previous() != null) {
            writePoint(out, points.previous(), base);
        }
        writePoint(out, points.last(), base);
    }

    private static StoredPoints readPoints(CompactInput in, long base) {
        int flag = in.readByte();
        if (flag == ABSENT) {
            return null;
        }
        MetricsPoint previous = flag == PRESENT_WITH_PREVIOUS ? readPoint(in, base) : null;
        return new StoredPoints(previous, readPoint(in, base));
    }

    private static void writePoint(CompactOutput out, MetricsPoint point, long base) {
        out.writeSignedVarLong(point.timestampMillis() - base);
        out.writeSignedVarLong(point.timestampMillis() - point.startTimeMillis());
        out.writeVarLong(point.cumulativeCpuNanos());
        out.writeVarLong(point.memoryWorkingSetBytes());
    }

    private static MetricsPoint readPoint(CompactInput in, long base) {
        long timestamp = base + in.readSignedVarLong();
        long start = timestamp - in.readSignedVarLong();
        return new MetricsPoint(start, timestamp, in.readVarLong(), in.readVarLong());
    }

    private static void writeUsage(CompactOutput out, Usage usage, long base) {
        if (usage == null) {
            out.writeByte(ABSENT);
            return;
        }
        out.writeByte(PRESENT);
        out.writeSignedVarLong(usage.timestampMillis() - base);
        out.writeVarLong(usage.windowNanos());
        out.writeVarLong(usage.cpuNanocores());
        out.writeVarLong(usage.memoryWorkingSetBytes());
    }

    private static Usage readUsage(CompactInput in, long base) {
        if (in.readByte() == ABSENT) {
            return null;
        }
        long timestamp = base + in.readSignedVarLong();
        long windowNanos = in.readVarLong();
        return new Usage(in.readVarLong(), in.readVarLong(), timestamp, windowNanos);
    }

    private static void writePodMetrics(CompactOutput out, PodMetrics pod, long base) {
        if (pod == null) {
            out.writeByte(ABSENT);
            return;
        }
        out.writeByte(PRESENT);
        out.writeString(pod.getNodeName());
        out.writeStringMap(pod.getLabels());
        out.writeSignedVarLong(pod.getTimestampMillis() - base);
        out.writeVarLong(pod.getWindowNanos());
        out.writeVarLong(pod.getContainers().size());
        for (ContainerMetrics container : pod.getContainers()) {
            out.writeString(container.getName());
            out.writeVarLong(container.getCpuNanocores());
            out.writeVarLong(container.getMemoryWorkingSetBytes());
        }
    }

    private static PodMetrics readPodMetrics(CompactInput in, String podKey, long base) {
        if (in.readByte() == ABSENT) {
            return null;
        }
        int slash = podKey.indexOf('/');
        String nodeName = in.readString();
        Map<String, String> labels = in.readStringMap();
        long timestamp = base + in.readSignedVarLong();
        long windowNanos = in.readVarLong();
        int count = in.readCount();
        List<ContainerMetrics> containers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            containers.add(new ContainerMetrics(in.readString(), in.readVarLong(), in.readVarLong()));
        }
        return PodMetrics.newBuilder()
                .setNamespace(podKey.substring(0, Math.max(0, slash)))
                .setName(podKey.substring(slash + 1))
                .setNodeName(nodeName)
                .setLabels(labels)
                .setTimestampMillis(timestamp)
                .setWindowNanos(windowNanos)
                .setContainers(containers)
                .build();
    }

    /** Format 2 window samples: time as a delta to the previous one, CPU, memory as a signed delta, label set. */
    private static void writeSeries(CompactOutput out, SampleSeries series) {
        out.writeVarLong(series.labelSets().size());
        for (Map<String, String> labels : series.labelSets()) {
            out.writeStringMap(new java.util.TreeMap<>(labels));
        }
        out.writeVarLong(series.size());
        long previousTime = 0;
        long previousMemory = 0;
        for (int i = 0; i < series.size(); i++) {
            out.writeSignedVarLong(series.timestampMillis(i) - previousTime);
            out.writeVarLong(series.cpuNanocores(i));
            out.writeSignedVarLong(series.memoryBytes(i) - previousMemory);
            out.writeVarLong(series.labelIndex(i));
            previousTime = series.timestampMillis(i);
            previousMemory = series.memoryBytes(i);
        }
    }

    private static SampleSeries readSeries(CompactInput in) {
        int labelSetCount = in.readCount();
        List<Map<String, String>> labelSets = new ArrayList<>(labelSetCount);
        for (int i = 0; i < labelSetCount; i++) {
            labelSets.add(in.readStringMap());
        }
        int size = in.readCount();
        long[] timestamps = new long[size];
        long[] cpu = new long[size];
        long[] memory = new long[size];
        int[] labelIndex = new int[size];
        long previousTime = 0;
        long previousMemory = 0;
        for (int i = 0; i < size; i++) {
            previousTime += in.readSignedVarLong();
            timestamps[i] = previousTime;
            cpu[i] = in.readVarLong();
            previousMemory += in.readSignedVarLong();
            memory[i] = previousMemory;
            labelIndex[i] = (int) in.readVarLong();
            if (labelIndex[i] < 0 || labelIndex[i] >= labelSetCount) {
                throw new SerializationException("corrupt node state: label set " + labelIndex[i]);
            }
        }
        return SampleSeries.of(labelSets, timestamps, cpu, memory, labelIndex);
    }

    /** Format 1 (fixed-width longs, rate points only), as written by earlier releases. */
    private static NodeState deserializeLegacy(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readByte();
            long newestSampleMillis = in.readLong();
            long lastSeenMillis = in.readLong();
            StoredPoints node = readLegacyPoints(in);
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
                    containers.put(name, readLegacyPoints(in));
                }
                pods.put(podKey, new PodState(emitted, containers));
            }
            return new NodeState(newestSampleMillis, lastSeenMillis, node, nodeEmitted, pods);
        } catch (IOException e) {
            throw new SerializationException("corrupt node state", e);
        }
    }

    private static StoredPoints readLegacyPoints(DataInputStream in) throws IOException {
        if (in.readByte() == ABSENT) {
            return null;
        }
        MetricsPoint previous = readLegacyPoint(in);
        MetricsPoint last = readLegacyPoint(in);
        return new StoredPoints(previous, last);
    }

    private static MetricsPoint readLegacyPoint(DataInputStream in) throws IOException {
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
