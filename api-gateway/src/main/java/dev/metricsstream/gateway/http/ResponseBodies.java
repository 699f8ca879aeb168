package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.gateway.api.MetricsJson;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Opens a streaming response body through a 64 KiB buffer, gzip-compressed when the client accepts it (Go's HTTP
 * client, used by kubectl and the HPA, asks for gzip on its own). A body that ends within the buffer (an HPA query,
 * a single object, a Status) goes out with its {@code Content-Length} in one write together with the headers, as
 * {@code /livez} does; a larger one streams with chunked transfer, never the whole body in memory. Chunked framing
 * for a small body cost two writes (the data, then the last chunk), and the client a second read and wake-up for
 * the terminating chunk. Javalin's automatic compression is off so this is the only place that decides.
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
        SizedBody body = new SizedBody(ctx.res());
        if (gzip) {
            ctx.res().setHeader("Content-Encoding", "gzip");
            ctx.res().addHeader("Vary", "Accept-Encoding");
            return new BufferedOutputStream(new GZIPOutputStream(body, BUFFER_BYTES), BUFFER_BYTES);
        }
        return body;
    }

    /**
     * A buffered body that decides its framing at the first write to the servlet stream: on close with everything
     * still in the buffer, it sets {@code Content-Length} and writes once (Jetty then sends headers and body as one
     * complete response); once the buffer overflows, it writes full buffers to the servlet stream (chunked). A
     * {@code flush()} before either is a no-op: the body is not over until it is closed or larger than the buffer.
     */
    private static final class SizedBody extends OutputStream {
        private final HttpServletResponse response;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int count;
        private OutputStream streaming;

        SizedBody(HttpServletResponse response) {
            this.response = response;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                drain();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int from = offset;
            int left = length;
            while (left > 0) {
                if (count == buffer.length) {
                    drain();
                }
                int n = Math.min(left, buffer.length - count);
                System.arraycopy(bytes, from, buffer, count, n);
                count += n;
                from += n;
                left -= n;
            }
        }

        private void drain() throws IOException {
            if (streaming == null) {
                streaming = response.getOutputStream();
            }
            streaming.write(buffer, 0, count);
            count = 0;
        }

        @Override
        public void flush() throws IOException {
            if (streaming != null) {
                drain();
                streaming.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (streaming == null) {
                response.setContentLength(count);
                streaming = response.getOutputStream();
            }
            if (count > 0) {
                streaming.write(buffer, 0, count);
                count = 0;
            }
            streaming.close();
        }
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
