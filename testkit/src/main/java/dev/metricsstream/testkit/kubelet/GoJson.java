package dev.metricsstream.testkit.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;

/** JSON the way the kubelet's Go code writes it. */
final class GoJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private GoJson() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** {@code metav1.Time}: RFC 3339 in UTC with whole seconds (the fraction is truncated), e.g. 2026-06-26T10:14:35Z. */
    static String time(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(Math.floorDiv(epochMillis, 1000L)));
    }

    /** Compact, as {@code json.Marshal} / the apimachinery serializer. */
    static String compact(JsonNode node) {
        return node.toString();
    }

    /** As go-restful writes entities ({@code json.MarshalIndent(v, "", " ")}): one space per level. */
    static String indented(JsonNode node) {
        StringBuilder out = new StringBuilder(64 * 1024);
        write(node, out, 0);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                indent(out, depth + 1);
                out.append(JsonNodeFactory.instance.textNode(field.getKey()).toString()).append(": ");
                write(field.getValue(), out, depth + 1);
                out.append(fields.hasNext() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                indent(out, depth + 1);
                write(node.get(i), out, depth + 1);
                out.append(i + 1 < node.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append(']');
        } else if (node.isFloatingPointNumber()) {
            out.append(new BigDecimal(Double.toString(node.doubleValue())).stripTrailingZeros().toPlainString());
        } else {
            out.append(node.toString());
        }
    }

    private static void indent(StringBuilder out, int depth) {
        for (int i = 0; i < depth; i++) {
            out.append(' ');
        }
    }
}
