package dev.metricsstream.collector.parse;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Lines or entries a decoder skipped, counted by a stable reason (for metrics and logs). Not thread-safe. */
public final class ParseProblems {
    private final Map<String, Long> byReason = new TreeMap<>();
    private String firstExample;

    public void count(String reason, String example) {
        byReason.merge(reason, 1L, Long::sum);
        if (firstExample == null && example != null) {
            firstExample = reason + ": " + abbreviate(example);
        }
    }

    public Map<String, Long> byReason() {
        return Collections.unmodifiableMap(byReason);
    }

    public long total() {
        long total = 0;
        for (long count : byReason.values()) {
            total += count;
        }
        return total;
    }

    public boolean isEmpty() {
        return byReason.isEmpty();
    }

    /** The first problem seen, shortened, for a log line; null when there was none. */
    public String firstExample() {
        return firstExample;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    @Override
    public String toString() {
        return byReason.toString();
    }
}
