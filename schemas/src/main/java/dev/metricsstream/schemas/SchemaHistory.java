package dev.metricsstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every published version of a record's schema, kept under version control as classpath resources
 * {@code schema-history/<Record>/v<N>.avsc}, N = 1, 2, ... without gaps. Decoders register all of them so records
 * written by older producers still decode; a test keeps the newest equal to the current schema.
 */
public final class SchemaHistory {

    public static final String ROOT = "schema-history";

    private SchemaHistory() {
    }

    /** The resource path of version {@code version} of {@code recordName}. */
    public static String resourcePath(String recordName, int version) {
        return ROOT + "/" + recordName + "/v" + version + ".avsc";
    }

    /** All versions of the record, oldest first; fails if there is none. */
    public static List<Schema> versions(String recordName) {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = resourcePath(recordName, version);
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no schema history for " + recordName + ": expected "
                    + resourcePath(recordName, 1) + " on the classpath");
        }
        return List.copyOf(versions);
    }
}
