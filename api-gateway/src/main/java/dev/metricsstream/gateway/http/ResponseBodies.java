package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.gateway.api.MetricsJson;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Opens a streaming response body: written straight to the servlet stream through a 64 KiB buffer (chunked
 * transfer, never the whole body in memory), gzip-compressed when the client accepts it (Go's HTTP client, used
 * by kubectl and the HPA, asks for gzip on its own). Javalin's automatic compression is off so this is the only
 * place that decides.
 */
public final class ResponseBodies {
    private static final int BUFFER_BYTES = 64 * 1024;

    private ResponseBodies() {
    }

    /** Writes a JSON document to a {@link JsonGenerator}. */
    @FunctionalInterface
    public interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    /** A 200 {@code application/json} answer: {@code body} through the API's JSON generator, then a newline. */
    public static void json(Context ctx, JsonBody body) throws IOException {
        json(ctx, "application/json", body);
    }

    /** As {@link #json(Context, JsonBody)} with another content type (a Table, a protobuf-negotiated JSON answer). */
    public static void json(Context ctx, String contentType, JsonBody body) throws IOException {
        try (OutputStream out = open(ctx, 200, contentType); JsonGenerator json = MetricsJson.generator(out)) {
            body.write(json);
            json.writeRaw('\n');
        }
    }

    public static OutputStream open(Context ctx, int status, String contentType) throws IOException {
        ctx.status(status);
        ctx.res().setContentType(contentType);
        boolean gzip = acceptsGzip(ctx.header("Accept-Encoding"));
        OutputStream raw = ctx.res().getOutputStream();
        if (gzip) {
            ctx.res().setHeader("Content-Encoding", "gzip");
            ctx.res().addHeader("Vary", "Accept-Encoding");
            return new BufferedOutputStream(new GZIPOutputStream(raw, BUFFER_BYTES), BUFFER_BYTES);
        }
        return new BufferedOutputStream(raw, BUFFER_BYTES);
    }

    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.trim().split(";");
            if (pieces[0].trim().toLowerCase(Locale.ROOT).equals("gzip")) {
                return pieces.length < 2 || !pieces[1].replace(" ", "").equals("q=0");
            }
        }
        return false;
    }
}
