package dev.metricsstream.testkit.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * A true rate over (simulated) time: the rate that holds from each instant on. A value computed over a window
 * (a node's CPU) is checked against every rate that held inside that window ({@link TruthCheck#node}).
 */
public final class RateHistory {
    private final List<long[]> changes = new ArrayList<>();

    private RateHistory(long rate) {
        changes.add(new long[] {Long.MIN_VALUE, rate});
    }

    /** A rate that has held since before anything was measured. */
    public static RateHistory since(long rate) {
        return new RateHistory(rate);
    }

    /** From {@code fromMillis} on, the rate is {@code rate}; calls come in time order. */
    public void from(long fromMillis, long rate) {
        if (fromMillis < changes.get(changes.size() - 1)[0]) {
            throw new IllegalArgumentException("changes come in time order: " + fromMillis);
        }
        changes.add(new long[] {fromMillis, rate});
    }

    /** {lowest, highest} of the rates that held at some instant of (startMillis, endMillis). */
    long[] range(long startMillis, long endMillis) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < changes.size(); i++) {
            long from = changes.get(i)[0];
            long until = i + 1 < changes.size() ? changes.get(i + 1)[0] : Long.MAX_VALUE;
            if (from < endMillis && until > startMillis) {
                min = Math.min(min, changes.get(i)[1]);
                max = Math.max(max, changes.get(i)[1]);
            }
        }
        return new long[] {min, max};
    }
}
