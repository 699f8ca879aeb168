package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.MetricsJson;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a {@link ApiStatus} as the response, as the apiserver answers every failure. */
public final class StatusResponses {
    private StatusResponses() {
    }

    private static final String SENT = "metrics-stream.status-sent";

    /** True when a handler already answered with a Status (so the 404/405 error pages keep it). */
    public static boolean alreadySent(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(SENT));
    }

    public static void send(Context ctx, ApiStatus status) {
        ctx.attribute(SENT, Boolean.TRUE);
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        try (JsonGenerator json = MetricsJson.generator(body)) {
            status.write(json);
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.status(status.code()).contentType("application/json").result(body.toByteArray());
    }
}
