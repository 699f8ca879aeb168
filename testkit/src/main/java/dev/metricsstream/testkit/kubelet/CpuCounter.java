package dev.metricsstream.testkit.kubelet;

import java.util.ArrayList;
import java.util.List;

/**
 * A cumulative CPU counter as a piecewise-linear function of time: from its start it grows at a rate (nanocores)
 * that may change at given instants, and it may stop (container exited). {@code nanosAt(t)} is exact integer math,
 * so any two samples give back the rate that was set between them.
 */
final class CpuCounter {

    private static final long MAX_RATE_NANOCORES = 1_000_000_000_000L; // 1000 cores

    /** Segment i: from startMillis[i] on, the counter is baseNanos[i] + rate[i] × (t − startMillis[i]). */
    private final List<long[]> segments = new ArrayList<>();
    private final long startMillis;
    private long stopMillis = Long.MAX_VALUE;

    CpuCounter(long startMillis, long rateNanocores) {
        checkRate(rateNanocores);
        this.startMillis = startMillis;
        segments.add(new long[] {startMillis, 0L, rateNanocores});
    }

    long startMillis() {
        return startMillis;
    }

    boolean stopped() {
        return stopMillis != Long.MAX_VALUE;
    }

    long stopMillis() {
        return stopMillis;
    }

    /** The rate from {@code atMillis} on (a change in the past of the last segment is applied at its start). */
    void setRate(long atMillis, long rateNanocores) {
        checkRate(rateNanocores);
        long[] last = segments.get(segments.size() - 1);
        long at = Math.max(atMillis, last[0]);
        if (at == last[0]) {
            last[2] = rateNanocores;
            return;
        }
        segments.add(new long[] {at, nanosAt(at), rateNanocores});
    }

    /** The counter stops growing at {@code atMillis} (the container exited). */
    void stop(long atMillis) {
        if (!stopped()) {
            stopMillis = Math.max(atMillis, startMillis);
        }
    }

    /** The rate set for time {@code tMillis} (0 before the start and after a stop). */
    long rateAt(long tMillis) {
        if (tMillis < startMillis || tMillis >= stopMillis) {
            return 0;
        }
        return segmentAt(tMillis)[2];
    }

    /** The rate currently set (what the counter grows at while running). */
    long currentRate() {
        return segments.get(segments.size() - 1)[2];
    }

    /** Exact cumulative CPU in nanoseconds at {@code tMillis}: 0 before the start, frozen after a stop. */
    long nanosAt(long tMillis) {
        long t = Math.min(tMillis, stopMillis);
        if (t <= startMillis) {
            return 0;
        }
        long[] segment = segmentAt(t);
        return segment[1] + grow(segment[2], t - segment[0]);
    }

    /** Forgets segments that ended before {@code beforeMillis}; values at or after it are unchanged. */
    void forgetBefore(long beforeMillis) {
        while (segments.size() > 1 && segments.get(1)[0] <= beforeMillis) {
            segments.remove(0);
        }
    }

    private long[] segmentAt(long tMillis) {
        for (int i = segments.size() - 1; i > 0; i--) {
            if (segments.get(i)[0] <= tMillis) {
                return segments.get(i);
            }
        }
        return segments.get(0);
    }

    /** rate (1e-9 cores) × elapsed (1e-3 s) = nanos × 1e-3, without overflow for years at 1000 cores. */
    static long grow(long rateNanocores, long elapsedMillis) {
        return rateNanocores * (elapsedMillis / 1000) + rateNanocores * (elapsedMillis % 1000) / 1000;
    }

    private static void checkRate(long rateNanocores) {
        if (rateNanocores < 0 || rateNanocores > MAX_RATE_NANOCORES) {
            throw new IllegalArgumentException("CPU rate must be within 0.." + MAX_RATE_NANOCORES
                    + " nanocores, was " + rateNanocores);
        }
    }
}
