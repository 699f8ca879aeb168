package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.CounterPoint;
import dev.metricsstream.aggregator.rate.CounterPoints;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The {@link SummaryState}s of a node in {@link NodeStateSerde}'s format: an optional section after the windows,
 * written only when the node has any (so a node scraped from {@code /metrics/resource} alone is stored exactly as
 * before, and a state written before this section existed reads as having none). Per entity: its key, a flags byte,
 * the counter points (times as deltas to the node's newest sample time), the gauges.
 */
final class SummaryStateCodec {
    private static final int NETWORK = 1;
    private static final int NETWORK_PREVIOUS = 2;
    private static final int NETWORK_IN_NEWEST = 4;
    private static final int RSS = 8;
    private static final int EPHEMERAL = 16;

    private SummaryStateCodec() {
    }

    static void write(CompactOutput out, Map<String, SummaryState> states, long base) {
        if (states.isEmpty()) {
            return;
        }
        out.writeVarLong(states.size());
        for (Map.Entry<String, SummaryState> entry : new TreeMap<>(states).entrySet()) {
            SummaryState state = entry.getValue();
            out.writeString(entry.getKey());
            CounterPoints network = state.network();
            int flags = (network != null ? NETWORK : 0)
                    | (network != null && network.previous() != null ? NETWORK_PREVIOUS : 0)
                    | (state.networkInNewestScrape() ? NETWORK_IN_NEWEST : 0)
                    | (state.memoryRssBytes() != null ? RSS : 0)
                    | (state.ephemeralStorageUsedBytes() != null ? EPHEMERAL : 0);
            out.writeByte(flags);
            if (network != null) {
                if (network.previous() != null) {
                    writePoint(out, network.previous(), base);
                }
                writePoint(out, network.last(), base);
            }
            if (state.memoryRssBytes() != null) {
                out.writeVarLong(state.memoryRssBytes());
            }
            if (state.ephemeralStorageUsedBytes() != null) {
                out.writeVarLong(state.ephemeralStorageUsedBytes());
            }
        }
    }

    /** The section at the reader's position, or none when the state ends here. */
    static Map<String, SummaryState> read(CompactInput in, long base) {
        if (in.atEnd()) {
            return Map.of();
        }
        int count = in.readCount();
        Map<String, SummaryState> states = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String key = in.readString();
            int flags = in.readByte();
            if (flags < 0 || flags > 31) {
                throw new SerializationException("corrupt node state: summary flags " + flags);
            }
            CounterPoints network = null;
            if ((flags & NETWORK) != 0) {
                CounterPoint previous = (flags & NETWORK_PREVIOUS) != 0 ? readPoint(in, base) : null;
                network = new CounterPoints(previous, readPoint(in, base));
            }
            Long rss = (flags & RSS) != 0 ? in.readVarLong() : null;
            Long ephemeral = (flags & EPHEMERAL) != 0 ? in.readVarLong() : null;
            states.put(key, new SummaryState(network, (flags & NETWORK_IN_NEWEST) != 0, rss, ephemeral));
        }
        return states;
    }

    private static void writePoint(CompactOutput out, CounterPoint point, long base) {
        out.writeSignedVarLong(point.timestampMillis() - base);
        out.writeSignedVarLong(point.timestampMillis() - point.startTimeMillis());
        out.writeVarLong(point.receiveBytes());
        out.writeVarLong(point.transmitBytes());
    }

    private static CounterPoint readPoint(CompactInput in, long base) {
        long timestamp = base + in.readSignedVarLong();
        long start = timestamp - in.readSignedVarLong();
        return new CounterPoint(start, timestamp, in.readVarLong(), in.readVarLong());
    }
}
