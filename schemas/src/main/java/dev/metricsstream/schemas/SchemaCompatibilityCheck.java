package dev.metricsstream.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Full compatibility between a candidate schema and every earlier version: the candidate can read data written
 * with each earlier version (new consumers, old producers) and each earlier version can read data written with
 * the candidate (old consumers, new producers).
 */
public final class SchemaCompatibilityCheck {

    private SchemaCompatibilityCheck() {
    }

    /** Human-readable problems, empty when the candidate is fully compatible with every earlier version. */
    public static List<String> problems(Schema candidate, List<Schema> earlierVersions) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < earlierVersions.size(); i++) {
            Schema earlier = earlierVersions.get(i);
            String version = "v" + (i + 1);
            check(candidate, earlier, "current cannot read data written with " + version, problems);
            check(earlier, candidate, version + " cannot read data written with current", problems);
        }
        return problems;
    }

    private static void check(Schema reader, Schema writer, String what, List<String> problems) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
                problems.add(reader.getName() + ": " + what + ": " + fieldPath(reader, incompatibility.getLocation())
                        + ": " + incompatibility.getType() + " " + incompatibility.getMessage());
            }
        }
    }

    /** Turns Avro's location ("/fields/4/type/items/fields/0") into field names ("containers[].name"). */
    static String fieldPath(Schema root, String location) {
        StringBuilder path = new StringBuilder();
        Schema current = root;
        String[] segments = location.split("/");
        try {
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (segment.equals("fields") && i + 1 < segments.length && current.getType() == Schema.Type.RECORD) {
                    Schema.Field field = current.getFields().get(Integer.parseInt(segments[++i]));
                    path.append(path.length() == 0 ? "" : ".").append(field.name());
                    current = field.schema();
                } else if (segment.equals("items")) {
                    path.append("[]");
                    current = current.getElementType();
                } else if (segment.equals("values")) {
                    path.append("{}");
                    current = current.getValueType();
                } else if (segment.matches("\\d+") && current.getType() == Schema.Type.UNION) {
                    current = current.getTypes().get(Integer.parseInt(segment));
                }
            }
        } catch (RuntimeException e) {
            return location;
        }
        return path.length() == 0 ? location : path.toString();
    }
}
