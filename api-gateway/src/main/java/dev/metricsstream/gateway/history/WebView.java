package dev.metricsstream.gateway.history;

import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.http.StatusResponses;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live web view at {@code /ui/}: a fixed set of files from the classpath ({@code /ui/...}, the vendored uPlot
 * included), served as routes so the same auth filter runs before them as before the APIs. Only the listed files are
 * served; everything else under {@code /ui/} is a 404 Status. The page calls the gateway's own APIs with relative
 * URLs, so it also works behind {@code kubectl port-forward} or the apiserver's service proxy.
 */
public final class WebView {
    public static final String PATH = "/ui";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uplot/uPlot.min.css", "text/css; charset=utf-8",
            "uplot/LICENSE", "text/plain; charset=utf-8");

    private WebView() {
    }

    public static void install(JavalinConfig config) {
        config.routes.get(PATH, ctx -> {
            if (!ctx.path().endsWith("/")) {
                ctx.redirect("ui/"); // relative, so it also works under a proxy prefix
                return;
            }
            serve(ctx, "index.html");
        });
        config.routes.get(PATH + "/<file>", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private static void serve(Context ctx, String file) {
        String type = FILES.get(file);
        byte[] body = type == null ? null : read(file);
        if (body == null) {
            StatusResponses.send(ctx, ApiStatus.pathNotFound());
            return;
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' "
                + "'unsafe-inline'");
        ctx.status(200).contentType(type).result(body);
    }

    private static byte[] read(String file) {
        try (InputStream in = WebView.class.getResourceAsStream("/ui/" + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
