package dev.metricsstream.aggregator.window;

import dev.metricsstream.aggregator.scrape.Emission;
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
 * epoch-aligned starts), computed from the node's {@link SampleSeries}: a window {@code [start, end)} closes, and is
 * emitted once, when the node's window watermark (its newest sample time) reaches {@code end + grace}; a sample
 * whose window has already closed is not counted in it (it still counts in the longer windows that are open).
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
    public List<Emission> advance(String nodeName, Map<String, SampleSeries> series, long previousWatermarkMillis,
                                  long watermarkMillis) {
        long before = closedThrough(previousWatermarkMillis);
        long now = closedThrough(watermarkMillis);
        if (now == Long.MIN_VALUE || (now <= before && before != Long.MIN_VALUE)) {
            return List.of();
        }
        List<Emission> closed = new ArrayList<>();
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
                    closed.add(new Emission.WindowClosed(new WindowKey(entity, size, start).format(), kind, window,
                            end));
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

    /** The earliest end of a window that is still open in these series, or Long.MAX_VALUE when none is. */
    public long nextWindowEnd(Map<String, SampleSeries> series, long watermarkMillis) {
        long now = closedThrough(watermarkMillis);
        long next = Long.MAX_VALUE;
        for (SampleSeries samples : series.values()) {
            for (long size : sizesMillis) {
                for (int i = 0; i < samples.size(); i++) {
                    long end = start(samples.timestampMillis(i), size) + size;
                    if (end > now) {
                        next = Math.min(next, end);
                        break;
                    }
                }
            }
        }
        return next;
    }

    public long graceMillis() {
        return graceMillis;
    }
}
