package dev.metricsstream.testkit.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus text exposition (as a service's {@code /metrics} answers it) as samples keyed by {@code
 * name{label="value",...}} with the labels sorted by name, so a test can look a sample up without depending on the
 * label order the library writes. Label values must not contain {@code ,} or {@code "} (ours do not).
 */
public final class ScrapedSamples {
    private final Map<String, Double> samples;

    private ScrapedSamples(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static ScrapedSamples parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space).trim();
            double value = Double.parseDouble(line.substring(space + 1).trim());
            int brace = series.indexOf('{');
            if (brace < 0) {
                samples.put(series, value);
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            String inner = series.substring(brace + 1, series.lastIndexOf('}'));
            for (String pair : inner.split(",")) {
                if (!pair.isBlank()) {
                    int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim().replace("\"", ""));
                }
            }
            samples.put(key(series.substring(0, brace), labels), value);
        }
        return new ScrapedSamples(samples);
    }

    /** The canonical key of a series: {@code labelPairs} alternate names and values. */
    public static String key(String name, String... labelPairs) {
        Map<String, String> labels = new TreeMap<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return key(name, labels);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach((label, value) -> key.append(label).append("=\"").append(value).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    /** The sample's value, or null when the series is not exposed. */
    public Double get(String name, String... labelPairs) {
        return samples.get(key(name, labelPairs));
    }

    public Map<String, Double> all() {
        return samples;
    }

    @Override
    public String toString() {
        return samples.toString();
    }
}
