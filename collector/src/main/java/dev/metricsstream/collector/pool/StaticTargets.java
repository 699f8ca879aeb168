package dev.metricsstream.collector.pool;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A static list of kubelets as {@code name=url} pairs: the {@code KUBELET_TARGETS} value (comma-separated) or a
 * {@code KUBELET_TARGETS_FILE} (one pair per line; blank lines and {@code #} comments ignored, also after a pair).
 * Every bad entry is reported with its line, all at once.
 */
public final class StaticTargets {
    private StaticTargets() {
    }

    /** The targets and the problems found (each naming the entry); the targets hold only the good entries. */
    public record Parsed(List<ScrapeTarget> targets, List<String> problems) {
        public Parsed {
            targets = List.copyOf(targets);
            problems = List.copyOf(problems);
        }
    }

    /** Reads a targets file (UTF-8). */
    public static Parsed readFile(Path file) throws IOException {
        return parseLines(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses lines of a targets file; {@code origin} names the file in problems. */
    public static Parsed parseLines(List<String> lines, String origin) {
        List<String> entries = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!content.isEmpty()) {
                entries.add(content);
                where.add(origin + " line " + (i + 1));
            }
        }
        return parse(entries, where);
    }

    /** Parses the comma-separated entries of {@code KUBELET_TARGETS}. */
    public static Parsed parseList(List<String> entries, String origin) {
        List<String> where = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            where.add(origin + " entry " + (i + 1));
        }
        return parse(entries, where);
    }

    private static Parsed parse(List<String> entries, List<String> where) {
        List<ScrapeTarget> targets = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).strip();
            int eq = entry.indexOf('=');
            String name = eq > 0 ? entry.substring(0, eq).strip() : "";
            String url = eq > 0 ? entry.substring(eq + 1).strip() : "";
            if (name.isEmpty() || url.isEmpty()) {
                problems.add(where.get(i) + " '" + entry + "' must be name=https://host:port");
                continue;
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                problems.add(where.get(i) + " '" + entry + "' has an invalid URL: " + e.getMessage());
                continue;
            }
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                problems.add(where.get(i) + " '" + entry + "' needs an absolute http(s) URL such as "
                        + "https://10.0.0.5:10250");
                continue;
            }
            if (!names.add(name)) {
                problems.add(where.get(i) + " repeats node name '" + name + "'");
                continue;
            }
            targets.add(new ScrapeTarget(name, uri));
        }
        return new Parsed(targets, problems);
    }
}
