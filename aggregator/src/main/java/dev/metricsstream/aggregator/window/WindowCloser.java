package dev.metricsstream.aggregator.window;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.schemas.WindowKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tumbling windows over sample time, kept per node (Kafka Streams' {@code TimeWindows.ofSizeAndGrace} semantics,
 * epoch-aligned starts), computed from the node's samples: a window {@code [start, end)} closes, and is emitted once,
 * when the node's window watermark (its newest sample time) reaches {@code end + grace}; a sample whose window has
 * already closed is not counted in it (it still counts in the longer windows that are open).
 *
 * <p>The samples live in a {@link SampleLog} (one chunk per scrape, written once); the node state holds only
 * {@link OpenWindows}. When the watermark crosses a boundary of some window size, the chunks that can hold samples
 * of the closing windows are read back into {@link SampleSeries} and the windows computed from those exactly as
 * before; chunks that only closed windows need are deleted.
 */
public final class WindowCloser {

    private final long[] sizesMillis;
    private final long graceMillis;

    public WindowCloser(List<Duration> sizes, Duration grace) {
        this.sizesMillis = sizes.stream().mapToLong(Duration::toMillis).toArray();
        this.graceMillis = grace.toMillis();
    }

    /** Windows ending at or before this are closed, for a watermark. */
    public long closedThrough(long watermarkMillis) {
        return watermarkMillis == Long.MIN_VALUE ? Long.MIN_VALUE : watermarkMillis - graceMillis;
    }

    static long start(long timestampMillis, long sizeMillis) {
        return timestampMillis - Math.floorMod(timestampMillis, sizeMillis);
    }

    /** How many of the window sizes a sample at this time is too late for (0: counted everywhere). */
    public int lateFor(long timestampMillis, long watermarkMillis) {
        long closed = closedThrough(watermarkMillis);
        int late = 0;
        for (long size : sizesMillis) {
            if (start(timestampMillis, size) + size <= closed) {
                late++;
            }
        }
        return late;
    }

    /** True when a sample at this time is too late for every window size (it is then not kept at all). */
    public boolean lateForAll(long timestampMillis, long watermarkMillis) {
        return lateFor(timestampMillis, watermarkMillis) == sizesMillis.length;
    }

    /**
     * Emits every window that closes as the watermark moves from {@code previousWatermarkMillis} to
     * {@code watermarkMillis}, then drops samples that no open window needs and series left empty.
     *
     * @param series entity → samples; an entity with a '/' is a pod ({@code namespace/name}), else the node
     */
    public List<ClosedWindow> advance(String nodeName, Map<String, SampleSeries> series, long previousWatermarkMillis,
                                  long watermarkMillis) {
        long before = closedThrough(previousWatermarkMillis);
        long now = closedThrough(watermarkMillis);
        if (now == Long.MIN_VALUE || (now <= before && before != Long.MIN_VALUE)) {
            return List.of();
        }
        List<ClosedWindow> closed = new ArrayList<>();
        Iterator<Map.Entry<String, SampleSeries>> entries = new TreeMap<>(series).entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<String, SampleSeries> entry = entries.next();
            String entity = entry.getKey();
            SampleSeries samples = entry.getValue();
            EntityKind kind = entity.indexOf('/') >= 0 ? EntityKind.POD : EntityKind.NODE;
            for (long size : sizesMillis) {
                long lastStart = Long.MIN_VALUE;
                for (int i = 0; i < samples.size(); i++) {
                    long start = start(samples.timestampMillis(i), size);
                    long end = start + size;
                    if (start == lastStart) {
                        continue;
                    }
                    lastStart = start;
                    if (end > now) {
                        break;
                    }
                    if (end <= before) {
                        continue;
                    }
                    MetricsWindow window = samples.window(kind, entity, nodeName, start, size);
                    closed.add(new ClosedWindow(new WindowKey(entity, size, start).format(), kind, window, end));
                }
            }
            samples.dropBefore(oldestNeeded(now));
            if (samples.isEmpty()) {
                series.remove(entity);
            }
        }
        return closed;
    }

    /** Samples older than this belong to closed windows only. */
    private long oldestNeeded(long closedThroughMillis) {
        // a sample at t is needed while some window size's window of t ends after closedThrough; that window
        // starts at or after start(closedThrough) of that size, so keep from the smallest such start
        long oldest = Long.MAX_VALUE;
        for (long size : sizesMillis) {
            long start = start(closedThroughMillis, size);
            oldest = Math.min(oldest, start);
        }
        return oldest;
    }

    public long graceMillis() {
        return graceMillis;
    }

    /** What advancing a node's watermark closed, and what is left open. */
    public record Advanced(List<ClosedWindow> closed, OpenWindows open) {
    }

    /** Samples at or after this are in an open window of this size ({@code Long.MIN_VALUE}: every sample). */
    private static long openFrom(long closedThroughMillis, long sizeMillis) {
        return closedThroughMillis == Long.MIN_VALUE ? Long.MIN_VALUE : start(closedThroughMillis, sizeMillis);
    }

    /** True when {@code open} was kept for this closer's window sizes (else {@link #rebuild} it). */
    public boolean fits(OpenWindows open) {
        return open.keptFor(sizesMillis);
    }

    /** Nothing open, for this closer's window sizes. */
    public OpenWindows none() {
        long[] first = new long[sizesMillis.length];
        java.util.Arrays.fill(first, OpenWindows.NONE);
        return new OpenWindows(sizesMillis, first, OpenWindows.NO_CHUNK);
    }

    /**
     * The chunk time for a scrape's samples: at least every sample's time, and after the node's previous chunk, so
     * chunks sort in the order they were appended.
     */
    public static long chunkMillis(OpenWindows open, List<WindowSample> samples) {
        long chunk = open.lastChunkMillis() == OpenWindows.NO_CHUNK ? Long.MIN_VALUE : open.lastChunkMillis() + 1;
        for (WindowSample sample : samples) {
            chunk = Math.max(chunk, sample.timestampMillis());
        }
        return chunk;
    }

    /**
     * {@code open} after a chunk of samples (none of them too late for every window) was appended at
     * {@code chunkMillis}, at the node's current watermark.
     */
    public OpenWindows added(OpenWindows open, List<WindowSample> samples, long chunkMillis, long watermarkMillis) {
        long closed = closedThrough(watermarkMillis);
        long[] first = open.firstOpen();
        for (int i = 0; i < sizesMillis.length; i++) {
            long from = openFrom(closed, sizesMillis[i]);
            for (WindowSample sample : samples) {
                if (sample.timestampMillis() >= from) {
                    first[i] = Math.min(first[i], sample.timestampMillis());
                }
            }
        }
        return new OpenWindows(sizesMillis, first, chunkMillis);
    }

    /**
     * Emits every window that closes as the watermark moves from {@code previousWatermarkMillis} to
     * {@code watermarkMillis}, reading from {@code log} only when some window size's boundary is crossed and only the
     * chunks that can hold samples of the windows that close; deletes the chunks no open window needs.
     */
    public Advanced advance(String nodeName, OpenWindows open, SampleLog log, long previousWatermarkMillis,
                            long watermarkMillis) {
        long before = closedThrough(previousWatermarkMillis);
        long now = closedThrough(watermarkMillis);
        if (now == Long.MIN_VALUE || (now <= before && before != Long.MIN_VALUE)) {
            return new Advanced(List.of(), open);
        }
        boolean[] crossed = new boolean[sizesMillis.length];
        boolean any = false;
        long readFrom = Long.MAX_VALUE;
        for (int i = 0; i < sizesMillis.length; i++) {
            long from = openFrom(before, sizesMillis[i]);
            if (openFrom(now, sizesMillis[i]) != from) {
                crossed[i] = true;
                any = true;
                readFrom = Math.min(readFrom, from);
            }
        }
        if (!any) {
            return new Advanced(List.of(), open);
        }
        long[] first = open.firstOpen();
        List<ClosedWindow> closed = List.of();
        if (!open.isEmpty()) {
            // a sample is never after its chunk time: chunks before readFrom hold no sample of a closing window
            Map<String, SampleSeries> series = log.read(nodeName, readFrom);
            closed = advance(nodeName, series, previousWatermarkMillis, watermarkMillis);
            for (int i = 0; i < sizesMillis.length; i++) {
                if (crossed[i]) {
                    first[i] = firstAtOrAfter(series, openFrom(now, sizesMillis[i]));
                }
            }
        }
        log.deleteBefore(nodeName, oldestNeeded(now));
        return new Advanced(closed, new OpenWindows(sizesMillis, first, open.lastChunkMillis()));
    }

    private static long firstAtOrAfter(Map<String, SampleSeries> series, long fromMillis) {
        long first = OpenWindows.NONE;
        for (SampleSeries samples : series.values()) {
            for (int i = 0; i < samples.size(); i++) {
                if (samples.timestampMillis(i) >= fromMillis) {
                    first = Math.min(first, samples.timestampMillis(i));
                    break;
                }
            }
        }
        return first;
    }

    /**
     * {@code open} recomputed from every chunk of the node, for a state kept for other window sizes (the
     * configuration changed) or read from the earlier format (whose samples are appended to the log first).
     */
    public OpenWindows rebuild(String nodeName, OpenWindows open, SampleLog log, long watermarkMillis) {
        long lastChunk = open.lastChunkMillis();
        Map<String, SampleSeries> legacy = open.legacySamples();
        if (legacy != null && !legacy.isEmpty()) {
            List<WindowSample> samples = new ArrayList<>();
            for (Map.Entry<String, SampleSeries> entry : new TreeMap<>(legacy).entrySet()) {
                SampleSeries series = entry.getValue();
                for (int i = 0; i < series.size(); i++) {
                    samples.add(new WindowSample(entry.getKey(), series.timestampMillis(i), series.cpuNanocores(i),
                            series.memoryBytes(i), series.labelSets().get(series.labelIndex(i))));
                }
            }
            lastChunk = chunkMillis(open, samples);
            log.append(nodeName, lastChunk, samples);
        }
        Map<String, SampleSeries> series = log.read(nodeName, Long.MIN_VALUE);
        long now = closedThrough(watermarkMillis);
        long[] first = new long[sizesMillis.length];
        for (int i = 0; i < sizesMillis.length; i++) {
            first[i] = firstAtOrAfter(series, openFrom(now, sizesMillis[i]));
        }
        return new OpenWindows(sizesMillis, first, lastChunk);
    }

    /** The earliest end of a window that is still open, or Long.MAX_VALUE when none is. */
    public long nextWindowEnd(OpenWindows open) {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < open.sizeCount(); i++) {
            long first = open.firstOpenMillis(i);
            if (first != OpenWindows.NONE) {
                next = Math.min(next, start(first, open.sizeMillis(i)) + open.sizeMillis(i));
            }
        }
        return next;
    }
}
