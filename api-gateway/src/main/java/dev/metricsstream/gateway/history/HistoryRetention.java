package dev.metricsstream.gateway.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How many closed windows of each size every replica keeps per node and pod: {@code HISTORY_WINDOWS}, e.g.
 * {@code 1m=1h,5m=6h,1h=48h} (the default: the last hour of 1-minute windows, six hours of 5-minute windows, two days
 * of hourly ones = 60 + 72 + 48 = 180 windows per entity; 800 MiB per replica at 150,000 pods, measured). Sizes must be whole minutes; a span a whole multiple of
 * its size. Older windows stay on the {@code *-metrics-windows} topics.
 */
public record HistoryRetention(List<Size> sizes) {
    public static final String DEFAULT = "1m=1h,5m=6h,1h=48h";

    /** One kept window size and how far back it reaches. */
    public record Size(Duration window, Duration span) {
        public int windows() {
            return (int) (span.toMillis() / window.toMillis());
        }

        public long windowMillis() {
            return window.toMillis();
        }
    }

    public HistoryRetention {
        sizes = sizes.stream().sorted(Comparator.comparing(Size::window)).toList();
    }

    /** Windows kept per entity when every size is full. */
    public int windowsPerEntity() {
        return sizes.stream().mapToInt(Size::windows).sum();
    }

    public Duration longestSpan() {
        return sizes.stream().map(Size::span).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    /**
     * Parses {@code size=span,...} with the duration syntax of every other variable ({@code parseDuration}).
     *
     * @throws IllegalArgumentException with every problem, for the config's error list
     */
    public static HistoryRetention parse(String value, java.util.function.Function<String, Duration> parseDuration) {
        List<Size> sizes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String part : value.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String[] kv = entry.split("=", 2);
            if (kv.length != 2) {
                problems.add("'" + entry + "' is not size=span");
                continue;
            }
            Duration window;
            Duration span;
            try {
                window = parseDuration.apply(kv[0].strip().toLowerCase(Locale.ROOT));
                span = parseDuration.apply(kv[1].strip().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("'" + entry + "': " + e.getMessage());
                continue;
            }
            if (window.toMillis() <= 0 || window.toMillis() % 60_000 != 0) {
                problems.add("window size " + kv[0].strip() + " is not a whole number of minutes");
            } else if (span.toMillis() < window.toMillis() || span.toMillis() % window.toMillis() != 0) {
                problems.add("span " + kv[1].strip() + " is not a whole multiple of " + kv[0].strip());
            } else if (span.toMillis() / window.toMillis() > 100_000) {
                problems.add("'" + entry + "' keeps more than 100000 windows per entity");
            } else if (sizes.stream().anyMatch(s -> s.window().equals(window))) {
                problems.add("window size " + kv[0].strip() + " given twice");
            } else {
                sizes.add(new Size(window, span));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new HistoryRetention(sizes);
    }
}
