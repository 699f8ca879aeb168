package dev.metricsstream.testkit.kubelet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real kubelet and metrics.k8s.io captures shipped in the testkit jar under {@code /fixtures/kubelet/}, copied
 * verbatim with their {@code PROVENANCE.md}. Any module with testkit on its test classpath can load them:
 *
 * <pre>{@code
 * for (String name : Fixtures.list("metrics-resource_")) {
 *     String text = Fixtures.read(name);
 *     ...
 * }
 * }</pre>
 *
 * <p>The list of files is the provenance table itself (every data file has a row there), so a file without a
 * documented source cannot slip in unnoticed.
 */
public final class Fixtures {

    /** Classpath folder of the captures. */
    public static final String RESOURCE_DIR = "/fixtures/kubelet/";
    /** The provenance document (source, commit and sha256 prefix of every file). */
    public static final String PROVENANCE = "PROVENANCE.md";

    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([^`/]+)` \\|.*\\| ([0-9a-f]{16}) \\|\\s*$");

    private Fixtures() {
    }

    /** Every capture file name (without {@code PROVENANCE.md}), in provenance order. */
    public static List<String> list() {
        List<String> names = new ArrayList<>();
        for (Entry entry : entries()) {
            names.add(entry.name());
        }
        return List.copyOf(names);
    }

    /** Capture file names starting with {@code prefix}, e.g. {@code "stats-summary_"} or {@code "metrics-resource_"}. */
    public static List<String> list(String prefix) {
        return list().stream().filter(name -> name.startsWith(prefix)).toList();
    }

    /** The file's content as UTF-8 text. */
    public static String read(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** The file's exact bytes. */
    public static byte[] bytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubelet fixture " + name, e);
        }
    }

    /** Opens the file; the caller closes the stream. */
    public static InputStream open(String name) {
        if (name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("fixture name must be a plain file name: " + name);
        }
        InputStream in = Fixtures.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            throw new IllegalArgumentException("no kubelet fixture named " + name + " on the classpath (known: "
                    + list() + ")");
        }
        return in;
    }

    /** Every file listed in the provenance table with the sha256 prefix (16 hex digits) recorded for it. */
    public static List<Entry> entries() {
        String provenance;
        InputStream in = Fixtures.class.getResourceAsStream(RESOURCE_DIR + PROVENANCE);
        if (in == null) {
            throw new IllegalStateException("testkit jar lacks " + RESOURCE_DIR + PROVENANCE);
        }
        try (in) {
            provenance = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : provenance.split("\n")) {
            Matcher m = TABLE_ROW.matcher(line);
            if (m.matches()) {
                entries.add(new Entry(m.group(1), m.group(2)));
            }
        }
        return List.copyOf(entries);
    }

    /**
     * One row of the provenance table.
     *
     * @param name file name
     * @param sha256Prefix first 16 hex digits of the file's sha256, as recorded in PROVENANCE.md
     */
    public record Entry(String name, String sha256Prefix) {
    }
}
