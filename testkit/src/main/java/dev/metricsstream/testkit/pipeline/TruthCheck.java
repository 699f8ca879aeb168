package dev.metricsstream.testkit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.metricsstream.avro.NodeMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares what a pipeline served with the kubelet simulator's truth. Every miss is collected, so one assertion at
 * the end ({@link #assertNone}) names them all. The tolerance is {@code truth / divisor}, but never less than a
 * floor: {@link #cpu()} is 1 % of the true rate with a floor of 1 µcore (near-idle containers).
 *
 * <pre>{@code
 * TruthCheck check = TruthCheck.cpu();
 * for (PodMetrics pod : served) {
 *     check.value(key(pod), cpuNanocores(pod), truth.get(key(pod)));
 * }
 * check.assertNone("pod values off by more than 1 % of the simulator's truth");
 * }</pre>
 */
public final class TruthCheck {
    /** The floor of {@link #cpu()}: 1 µcore, so a near-idle container is not held to a fraction of a nanocore. */
    public static final long CPU_FLOOR_NANOCORES = 1_000;
    /** One millicore, the resolution {@code kubectl top} prints. */
    public static final long MILLICORE_NANOCORES = 1_000_000;

    private final long divisor;
    private final long floor;
    private final List<String> misses = new ArrayList<>();

    private TruthCheck(long divisor, long floor) {
        this.divisor = divisor;
        this.floor = floor;
    }

    /** CPU rates in nanocores: within 1 %, at least {@link #CPU_FLOOR_NANOCORES}. */
    public static TruthCheck cpu() {
        return onePercent(CPU_FLOOR_NANOCORES);
    }

    /** Within 1 % of the truth, at least {@code floor} (e.g. {@link #MILLICORE_NANOCORES} for printed values). */
    public static TruthCheck onePercent(long floor) {
        return within(100, floor);
    }

    /** Within {@code truth / divisor}, at least {@code floor}; divisor 100 is 1 %, 10,000 is 0.01 %. */
    public static TruthCheck within(long divisor, long floor) {
        if (divisor <= 0 || floor < 0) {
            throw new IllegalArgumentException("divisor must be positive and floor not negative: " + divisor + ", "
                    + floor);
        }
        return new TruthCheck(divisor, floor);
    }

    /**
     * Counts {@code value} a miss when it or its truth is missing, when it is negative, or when it is off by more than
     * the tolerance; answers true for a miss.
     */
    public boolean value(String what, Long value, Long truth) {
        if (truth == null || value == null) {
            return miss(what + " has no " + (truth == null ? "truth" : "value"));
        }
        if (value < 0 || Math.abs(value - truth) > Math.max(truth / divisor, floor)) {
            return miss(what + ": " + value + " vs true " + truth);
        }
        return false;
    }

    /**
     * A rate such as bytes per second: a miss when the truth is not a real (positive) rate or the served one is off by
     * more than the tolerance; answers true for a miss.
     */
    public boolean rate(String what, double served, double truth) {
        if (!(truth > 0)) {
            return miss(what + ": the truth is not a real rate: " + truth);
        }
        if (Math.abs(served - truth) > Math.max(truth / divisor, floor)) {
            return miss(what + ": served " + served + " vs true " + truth);
        }
        return false;
    }

    /**
     * A node value covers (timestamp − window, timestamp]. Where one true rate held over the whole interval the value
     * is checked as {@link #value}; where the rate changed inside it (a pod deleted), it must lie between the lowest and
     * the highest rate that held, widened by {@code rate / divisor} on either side (no floor: node rates are large).
     */
    public boolean node(String node, NodeMetrics value, RateHistory truth) {
        String what = node + "@" + value.getTimestampMillis();
        if (truth == null) {
            return miss(what + " has no truth");
        }
        long endMillis = value.getTimestampMillis();
        long[] range = truth.range(endMillis - value.getWindowNanos() / 1_000_000, endMillis);
        long min = range[0];
        long max = range[1];
        long cpu = value.getCpuNanocores();
        if (min == max) {
            return value(what, cpu, min);
        }
        if (cpu < min - min / divisor || cpu > max + max / divisor) {
            return miss(what + ": " + cpu + " outside [" + min + ", " + max + "] around a change");
        }
        return false;
    }

    /** Counts a miss found by the caller (e.g. a negative container inside an otherwise true pod); answers true. */
    public boolean miss(String line) {
        misses.add(line);
        return true;
    }

    /** Every miss so far, one line each. */
    public List<String> misses() {
        return List.copyOf(misses);
    }

    /** Fails with every miss when there is one. */
    public void assertNone(String message) {
        assertEquals(List.of(), misses, message);
    }
}
