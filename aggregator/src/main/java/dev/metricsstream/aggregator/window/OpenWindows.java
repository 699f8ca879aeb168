package dev.metricsstream.aggregator.window;

import java.util.Arrays;
import java.util.Map;

/**
 * What the node state keeps of its windows while their samples are in the {@link SampleLog}: per window size the
 * time of the earliest stored sample that is still in an open window of that size ({@link #NONE} when there is
 * none), and the time of the node's newest chunk. Enough to know when the next window closes and whether anything
 * is still open, without reading a sample. Immutable.
 *
 * <p>{@code legacySamples} is set only on a state read from the format that kept the samples inside the node state
 * (before the sample log); the processor moves them to the log when it first loads the state.
 */
public final class OpenWindows {

    /** No sample in an open window of that size. */
    public static final long NONE = Long.MAX_VALUE;
    /** The node has no chunk yet. */
    public static final long NO_CHUNK = Long.MIN_VALUE;

    private static final OpenWindows EMPTY = new OpenWindows(new long[0], new long[0], NO_CHUNK, null);

    private final long[] sizesMillis;
    private final long[] firstOpenMillis;
    private final long lastChunkMillis;
    private final Map<String, SampleSeries> legacySamples;

    public OpenWindows(long[] sizesMillis, long[] firstOpenMillis, long lastChunkMillis) {
        this(sizesMillis, firstOpenMillis, lastChunkMillis, null);
    }

    private OpenWindows(long[] sizesMillis, long[] firstOpenMillis, long lastChunkMillis,
                        Map<String, SampleSeries> legacySamples) {
        if (sizesMillis.length != firstOpenMillis.length) {
            throw new IllegalArgumentException("one first-open time per window size");
        }
        this.sizesMillis = sizesMillis.clone();
        this.firstOpenMillis = firstOpenMillis.clone();
        this.lastChunkMillis = lastChunkMillis;
        this.legacySamples = legacySamples;
    }

    /** Nothing stored yet. */
    public static OpenWindows none() {
        return EMPTY;
    }

    /** A state of the earlier format: its samples, still to be moved into the sample log. */
    public static OpenWindows legacy(Map<String, SampleSeries> samples) {
        return new OpenWindows(new long[0], new long[0], NO_CHUNK, samples);
    }

    public int sizeCount() {
        return sizesMillis.length;
    }

    public long sizeMillis(int i) {
        return sizesMillis[i];
    }

    public long firstOpenMillis(int i) {
        return firstOpenMillis[i];
    }

    public long lastChunkMillis() {
        return lastChunkMillis;
    }

    /** Samples read from the earlier format, or null. */
    public Map<String, SampleSeries> legacySamples() {
        return legacySamples;
    }

    /** True when these were kept for exactly these window sizes. */
    public boolean keptFor(long[] sizes) {
        return legacySamples == null && Arrays.equals(sizesMillis, sizes);
    }

    /** True when no stored sample is in an open window (the chunks left, if any, serve closed windows only). */
    public boolean isEmpty() {
        if (legacySamples != null && !legacySamples.isEmpty()) {
            return false;
        }
        for (long first : firstOpenMillis) {
            if (first != NONE) {
                return false;
            }
        }
        return true;
    }

    long[] sizes() {
        return sizesMillis.clone();
    }

    long[] firstOpen() {
        return firstOpenMillis.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OpenWindows that && lastChunkMillis == that.lastChunkMillis
                && Arrays.equals(sizesMillis, that.sizesMillis) && Arrays.equals(firstOpenMillis, that.firstOpenMillis)
                && java.util.Objects.equals(legacySamples, that.legacySamples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(firstOpenMillis) + Long.hashCode(lastChunkMillis);
    }

    @Override
    public String toString() {
        return "OpenWindows[sizes=" + Arrays.toString(sizesMillis) + ", firstOpen=" + Arrays.toString(firstOpenMillis)
                + ", lastChunk=" + lastChunkMillis + (legacySamples == null ? "" : ", legacy=" + legacySamples) + "]";
    }
}
