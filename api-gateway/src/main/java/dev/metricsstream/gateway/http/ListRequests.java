package dev.metricsstream.gateway.http;

import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.select.FieldSelector;
import dev.metricsstream.gateway.select.LabelSelector;
import dev.metricsstream.gateway.select.SelectorException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What every list endpoint (the metrics API and the core API slice) checks before it writes a byte, and how it
 * writes items from inside a stream: one place, so the two answer a bad selector or an unrestored store alike.
 */
final class ListRequests {
    private ListRequests() {
    }

    /** The request's label and field selectors, parsed. */
    record Selectors(LabelSelector labels, FieldSelector fields) {
    }

    /** Parses both selectors before any byte is written, or answers a 400 Status and returns null. */
    static Selectors selectors(Context ctx) {
        try {
            return new Selectors(LabelSelector.parse(ctx.queryParam("labelSelector")),
                    FieldSelector.parse(ctx.queryParam("fieldSelector")));
        } catch (SelectorException e) {
            StatusResponses.send(ctx, ApiStatus.badRequest(e.getMessage()));
            return null;
        }
    }

    /**
     * True when the store is restored; else answers 503 with {@code Retry-After: 1} (a list would be empty or
     * partial; an apiserver that is not ready answers 503 too) and returns false.
     */
    static boolean storeRestored(Context ctx, HealthCheck storeRestored) {
        HealthCheck.Result result = storeRestored.check();
        if (!result.healthy()) {
            ctx.header("Retry-After", "1");
            StatusResponses.send(ctx, ApiStatus.serviceUnavailable("the metrics store is not restored yet: "
                    + result.detail()));
        }
        return result.healthy();
    }

    /** A write into a streaming JSON body. */
    interface IoAction {
        void run() throws IOException;
    }

    /** Runs a write from inside a stream's lambda (where checked exceptions cannot pass). */
    static void write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
