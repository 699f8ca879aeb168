package dev.metricsstream.gateway.history;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent closed windows of every node and pod, bounded by design: per entity and kept size at most
 * {@link HistoryRetention.Size#windows()} windows, 28 bytes each in primitive arrays ({@link WindowRing}); an entity
 * whose newest window is older than the longest span (measured on the windows' own time, not the wall clock) is
 * dropped. Fed by {@link #accept} with every decoded {@code MetricsWindow}, in any order and with replays (a window
 * with the same start replaces the one held). Reads copy under the entity's lock, so they never see a half-written
 * window.
 *
 * <p>Resolution: CPU in whole microcores, memory in whole KiB (rounded half up), so values are served as
 * canonical quantities such as {@code 12345u} and {@code 51200Ki}.
 */
public final class WindowHistory {
    private static final long MINUTE_MILLIS = 60_000;

    /** What happened to one offered window. */
    public enum Outcome { KEPT, SIZE_NOT_KEPT, TOO_OLD, INVALID }

    /** One closed window as served: start, size and the six statistics at the history's resolution. */
    public record Point(long startMillis, long windowMillis, long cpuAvgNanocores, long cpuMaxNanocores,
            long cpuP95Nanocores, long memoryAvgBytes, long memoryMaxBytes, long memoryP95Bytes, int entities) {
    }

    private final HistoryRetention retention;
    private final Map<String, Entity> nodes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Entity>> podsByNamespace = new ConcurrentHashMap<>();
    private final AtomicLong newestEndMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong[] outcomes = new AtomicLong[Outcome.values().length];
    private volatile long lastSweepMillis = Long.MIN_VALUE;

    public WindowHistory(HistoryRetention retention) {
        this.retention = retention;
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new AtomicLong();
        }
    }

    public HistoryRetention retention() {
        return retention;
    }

    /** Takes one closed window (from the loader thread); returns what became of it (also counted). */
    public Outcome accept(MetricsWindow window) {
        Outcome outcome = store(window);
        outcomes[outcome.ordinal()].incrementAndGet();
        return outcome;
    }

    public long count(Outcome outcome) {
        return outcomes[outcome.ordinal()].get();
    }

    private Outcome store(MetricsWindow window) {
        int sizeIndex = sizeIndex(window.getWindowSizeMillis());
        if (sizeIndex < 0) {
            return Outcome.SIZE_NOT_KEPT;
        }
        Entity entity = entityFor(window);
        if (entity == null || window.getWindowStartMillis() % MINUTE_MILLIS != 0) {
            return Outcome.INVALID;
        }
        int[] values = encode(window);
        boolean kept;
        synchronized (entity) {
            kept = entity.ring(sizeIndex, retention.sizes().get(sizeIndex).windows()).put(values);
            entity.newestEndMillis = Math.max(entity.newestEndMillis, window.getWindowEndMillis());
        }
        long newest = newestEndMillis.accumulateAndGet(window.getWindowEndMillis(), Math::max);
        if (lastSweepMillis == Long.MIN_VALUE || newest - lastSweepMillis >= MINUTE_MILLIS) {
            lastSweepMillis = newest;
            evictOlderThan(newest - retention.longestSpan().toMillis());
        }
        return kept ? Outcome.KEPT : Outcome.TOO_OLD;
    }

    private Entity entityFor(MetricsWindow window) {
        String entity = window.getEntity();
        if (window.getEntityKind() == EntityKind.NODE) {
            return entity.isEmpty() ? null : nodes.computeIfAbsent(entity, k -> new Entity(retention.sizes().size()));
        }
        if (window.getEntityKind() == EntityKind.POD) {
            int slash = entity.indexOf('/');
            if (slash <= 0 || slash == entity.length() - 1) {
                return null;
            }
            return podsByNamespace.computeIfAbsent(entity.substring(0, slash), k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(entity.substring(slash + 1), k -> new Entity(retention.sizes().size()));
        }
        return null;
    }

    /** Drops every entity whose newest window ended before {@code cutoffMillis}. */
    void evictOlderThan(long cutoffMillis) {
        nodes.values().removeIf(e -> e.newestEndMillis < cutoffMillis);
        podsByNamespace.values().forEach(pods -> pods.values().removeIf(e -> e.newestEndMillis < cutoffMillis));
        podsByNamespace.values().removeIf(Map::isEmpty);
    }

    private int sizeIndex(long windowMillis) {
        List<HistoryRetention.Size> sizes = retention.sizes();
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i).windowMillis() == windowMillis) {
                return i;
            }
        }
        return -1;
    }

    /** True when windows of this size are kept. */
    public boolean keeps(long windowMillis) {
        return sizeIndex(windowMillis) >= 0;
    }

    /** The node's windows of one size starting in {@code [fromMillis, toMillis)}; empty when the node is unknown. */
    public Optional<List<Point>> node(String name, long windowMillis, long fromMillis, long toMillis) {
        return points(nodes.get(name), windowMillis, fromMillis, toMillis);
    }

    /** The pod's windows (its containers summed by the aggregator); empty when the pod is unknown. */
    public Optional<List<Point>> pod(String namespace, String name, long windowMillis, long fromMillis,
            long toMillis) {
        Map<String, Entity> pods = podsByNamespace.get(namespace);
        return points(pods == null ? null : pods.get(name), windowMillis, fromMillis, toMillis);
    }

    /**
     * The namespace roll-up: per window start, the sum over the namespace's pods of each statistic, and how many
     * pods had that window. The sum of averages is the namespace's average; the sums of maxima and p95s are upper
     * bounds (pods peak at different moments). Empty when no pod of the namespace is held.
     */
    public Optional<List<Point>> namespace(String namespace, long windowMillis, long fromMillis, long toMillis) {
        Map<String, Entity> pods = podsByNamespace.get(namespace);
        if (pods == null || pods.isEmpty()) {
            return Optional.empty();
        }
        TreeMap<Long, long[]> sums = new TreeMap<>();
        for (Entity pod : pods.values()) {
            for (Point p : points(pod, windowMillis, fromMillis, toMillis).orElse(List.of())) {
                long[] sum = sums.computeIfAbsent(p.startMillis(), k -> new long[7]);
                sum[0] += p.cpuAvgNanocores();
                sum[1] += p.cpuMaxNanocores();
                sum[2] += p.cpuP95Nanocores();
                sum[3] += p.memoryAvgBytes();
                sum[4] += p.memoryMaxBytes();
                sum[5] += p.memoryP95Bytes();
                sum[6]++;
            }
        }
        List<Point> out = new ArrayList<>(sums.size());
        sums.forEach((start, s) -> out.add(new Point(start, windowMillis, s[0], s[1], s[2], s[3], s[4], s[5],
                (int) s[6])));
        return Optional.of(out);
    }

    /** Sorted names of the namespaces with pods held. */
    public List<String> namespaces() {
        List<String> names = new ArrayList<>(podsByNamespace.keySet());
        Collections.sort(names);
        return names;
    }

    public long nodeCount() {
        return nodes.size();
    }

    public long podCount() {
        return podsByNamespace.values().stream().mapToLong(Map::size).sum();
    }

    /** Windows held over every entity and size. */
    public long windowCount() {
        long count = 0;
        for (Entity e : nodes.values()) {
            count += e.windows();
        }
        for (Map<String, Entity> pods : podsByNamespace.values()) {
            for (Entity e : pods.values()) {
                count += e.windows();
            }
        }
        return count;
    }

    private Optional<List<Point>> points(Entity entity, long windowMillis, long fromMillis, long toMillis) {
        if (entity == null) {
            return Optional.empty();
        }
        int sizeIndex = sizeIndex(windowMillis);
        if (sizeIndex < 0) {
            return Optional.of(List.of());
        }
        List<Point> out = new ArrayList<>();
        int[] w = new int[WindowRing.STRIDE];
        synchronized (entity) {
            WindowRing ring = entity.rings[sizeIndex];
            if (ring == null) {
                return Optional.of(List.of());
            }
            int from = ring.search(minuteCeil(fromMillis));
            for (int i = from >= 0 ? from : -from - 1; i < ring.size(); i++) {
                ring.read(i, w);
                long start = w[0] * MINUTE_MILLIS;
                if (start >= toMillis) {
                    break;
                }
                out.add(decode(w, windowMillis));
            }
        }
        return Optional.of(out);
    }

    private static int minuteCeil(long millis) {
        long minutes = Math.floorDiv(millis, MINUTE_MILLIS) + (Math.floorMod(millis, MINUTE_MILLIS) == 0 ? 0 : 1);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, minutes));
    }

    static int[] encode(MetricsWindow window) {
        return new int[] {
            (int) (window.getWindowStartMillis() / MINUTE_MILLIS),
            microcores(window.getCpuCoresAvg()),
            microcores(window.getCpuCoresMax()),
            microcores(window.getCpuCoresP95()),
            kibibytes(window.getMemoryBytesAvg()),
            kibibytes(window.getMemoryBytesMax()),
            kibibytes(window.getMemoryBytesP95()),
        };
    }

    private static Point decode(int[] w, long windowMillis) {
        return new Point(w[0] * MINUTE_MILLIS, windowMillis, w[1] * 1000L, w[2] * 1000L, w[3] * 1000L,
                Integer.toUnsignedLong(w[4]) * 1024, Integer.toUnsignedLong(w[5]) * 1024,
                Integer.toUnsignedLong(w[6]) * 1024, 1);
    }

    /** Cores to whole microcores (saturating at 2147 cores). */
    public static int microcores(double cores) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.round(cores * 1e6)));
    }

    /** Bytes to whole KiB, unsigned in an int (saturating at 4 TiB). */
    public static int kibibytes(double bytes) {
        return (int) Math.max(0, Math.min(0xFFFF_FFFFL, Math.round(bytes / 1024.0)));
    }

    /** One entity's rings, one per kept size, created on its first window of that size. */
    private static final class Entity {
        final WindowRing[] rings;
        volatile long newestEndMillis = Long.MIN_VALUE;

        Entity(int sizes) {
            rings = new WindowRing[sizes];
        }

        WindowRing ring(int index, int capacity) {
            if (rings[index] == null) {
                rings[index] = new WindowRing(capacity);
            }
            return rings[index];
        }

        synchronized int windows() {
            int count = 0;
            for (WindowRing ring : rings) {
                count += ring == null ? 0 : ring.size();
            }
            return count;
        }
    }
}
