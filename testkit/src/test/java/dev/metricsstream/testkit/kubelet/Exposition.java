package dev.metricsstream.testkit.kubelet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately minimal line classifier for the tests of the simulator's exposition (NOT the collector's parser):
 * it splits the simple, well-formed lines the kubelet writes into family, labels, value and timestamp.
 */
final class Exposition {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? (\\S+)(?: (-?\\d+))?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String family, Map<String, String> labels, double value, Long timestampMillis) {
        String label(String name) {
            return labels.get(name);
        }
    }

    final List<String> helpLines = new ArrayList<>();
    final List<String> typeLines = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();

    static Exposition parse(String text) {
        Exposition e = new Exposition();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                e.helpLines.add(line);
            } else if (line.startsWith("# TYPE ")) {
                e.typeLines.add(line);
            } else if (!line.isEmpty()) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a sample line: " + line);
                }
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                e.samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3)),
                        m.group(4) == null ? null : Long.parseLong(m.group(4))));
            }
        }
        return e;
    }

    /** family → the label-name sets its samples use. */
    Map<String, TreeSet<String>> labelSets() {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (Sample s : samples) {
            out.computeIfAbsent(s.family(), f -> new TreeSet<>()).add(String.join(",", s.labels().keySet()));
        }
        return out;
    }

    /** family → whether its samples carry timestamps (all of them must agree). */
    Map<String, Boolean> timestamped() {
        Map<String, Boolean> out = new TreeMap<>();
        for (Sample s : samples) {
            Boolean previous = out.put(s.family(), s.timestampMillis() != null);
            if (previous != null && previous != (s.timestampMillis() != null)) {
                throw new AssertionError("family " + s.family() + " mixes samples with and without timestamps");
            }
        }
        return out;
    }

    List<Sample> family(String name) {
        return samples.stream().filter(s -> s.family().equals(name)).toList();
    }

    /** The container series of one family, keyed {@code namespace/pod/container}. */
    Map<String, Sample> byContainer(String family) {
        Map<String, Sample> out = new TreeMap<>();
        for (Sample s : family(family)) {
            out.put(s.label("namespace") + "/" + s.label("pod") + "/" + s.label("container"), s);
        }
        return out;
    }
}
