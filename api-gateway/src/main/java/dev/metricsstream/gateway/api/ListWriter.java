package dev.metricsstream.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a metrics list from pre-rendered items ({@link ListItemJson}) straight to a stream: the opening
 * ({@link MetricsJson#startList}, rendered by the same generator code), the items separated by commas, the close and
 * the trailing newline every response of ours ends with. Byte for byte what the generator path writes.
 */
public final class ListWriter {
    private static final byte[] END = {']', '}', '\n'};

    private final OutputStream out;
    private final byte[] quotedTime;
    private boolean first = true;

    public ListWriter(OutputStream out, String itemKind, String apiVersion, long requestMillis) throws IOException {
        this.out = out;
        this.quotedTime = ListItemJson.quotedTime(requestMillis);
        ByteArrayOutputStream start = new ByteArrayOutputStream(128);
        try (JsonGenerator json = MetricsJson.generator(start)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT); // the list stays open
            MetricsJson.startList(json, itemKind, apiVersion);
            json.flush();
            out.write(start.toByteArray());
        }
    }

    public void item(ListItemJson item) throws IOException {
        if (!first) {
            out.write(',');
        }
        first = false;
        out.write(item.head());
        out.write(quotedTime);
        out.write(item.meta());
        out.write(item.body());
    }

    /** Closes the list (the stream stays open). */
    public void end() throws IOException {
        out.write(END);
    }
}
