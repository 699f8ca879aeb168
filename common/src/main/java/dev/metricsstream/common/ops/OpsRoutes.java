package dev.metricsstream.common.ops;

import dev.metricsstream.common.health.Health;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** {@code /metrics}, {@code /healthz}, {@code /livez} and {@code /readyz}, installable into any Javalin app. */
public final class OpsRoutes {
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private OpsRoutes() {
    }

    public static void install(JavalinConfig config, PrometheusRegistry registry, Health health) {
        config.routes.get("/metrics", ctx -> writeMetrics(ctx, registry));
        config.routes.get("/healthz", ctx -> probe(ctx, health.live()));
        config.routes.get("/livez", ctx -> probe(ctx, health.live()));
        config.routes.get("/readyz", ctx -> probe(ctx, health.ready()));
    }

    private static void probe(Context ctx, Health.Report report) {
        ctx.contentType("text/plain; charset=utf-8").status(report.ok() ? 200 : 503);
        // like the apiserver: the short answer unless ?verbose is given, the per-check lines when failing
        boolean verbose = ctx.queryParamMap().containsKey("verbose");
        ctx.result(report.ok() && !verbose ? "ok" : report.body());
    }

    /** Writes the registry in the format the scraper asked for (Prometheus text or OpenMetrics). */
    public static void writeMetrics(Context ctx, PrometheusRegistry registry) {
        ExpositionFormatWriter writer = FORMATS.findWriter(ctx.header("Accept"));
        ctx.contentType(writer.getContentType());
        try {
            OutputStream out = ctx.outputStream();
            writer.write(out, registry.scrape());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
