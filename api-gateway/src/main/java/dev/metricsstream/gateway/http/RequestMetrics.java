package dev.metricsstream.gateway.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Request count and latency per route template (never the raw path: names would explode the series count). */
public final class RequestMetrics {
    private final Counter requests;
    private final Histogram duration;
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Codes started at 0 per route and method once the route is first requested. */
    public static final java.util.List<String> ALERTED_CODES = java.util.List.of("500", "503");

    public RequestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("metrics_stream_gateway_requests_total")
                .help("HTTP requests answered, by route template, method and status code")
                .labelNames("route", "method", "code").register(registry);
        duration = Histogram.builder().name("metrics_stream_gateway_request_duration_seconds")
                .help("Time to answer an HTTP request, by route template and method")
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("route", "method").register(registry);
    }

    public void record(Context ctx, float millis) {
        String route = route(ctx);
        String method = ctx.method().name();
        if (seen.add(route + " " + method)) {
            // the status codes are an open set, but the ones the 5xx alert watches start at 0 with the route's first
            // request, so that a route's first 500 or 503 is an increase Prometheus can see
            for (String code : ALERTED_CODES) {
                requests.initLabelValues(route, method, code);
            }
        }
        requests.labelValues(route, method, Integer.toString(ctx.statusCode())).inc();
        duration.labelValues(route, method).observe(millis / 1000.0);
    }

    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
