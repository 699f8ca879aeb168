package dev.metricsstream.bench.fleet;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A thread-safe latency histogram (1 µs … 10 min) that only records while {@link #measuring} is on. */
public final class LatencyRecorder {
    private final Histogram histogram = new Histogram(1, 600_000_000L, 3);
    private volatile boolean measuring;
    private long errors;
    private long lastMicros = -1;

    public void measuring(boolean on) {
        measuring = on;
    }

    public synchronized void record(long micros) {
        lastMicros = micros;
        if (measuring) {
            histogram.recordValue(Math.max(1, Math.min(micros, histogram.getHighestTrackableValue())));
        }
    }

    public synchronized void error() {
        if (measuring) {
            errors++;
        }
    }

    public synchronized long lastMicros() {
        return lastMicros;
    }

    public synchronized long count() {
        return histogram.getTotalCount();
    }

    public synchronized double percentileMillis(double percentile) {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** count, errors, p50/p99/max in milliseconds. */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", histogram.getTotalCount());
        out.put("errors", errors);
        if (histogram.getTotalCount() > 0) {
            out.put("p50Millis", histogram.getValueAtPercentile(50) / 1000.0);
            out.put("p99Millis", histogram.getValueAtPercentile(99) / 1000.0);
            out.put("maxMillis", histogram.getMaxValue() / 1000.0);
        }
        return out;
    }
}
