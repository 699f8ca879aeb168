package dev.metricsstream.gateway.history;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.DiscoveryJson;
import dev.metricsstream.gateway.api.GoDuration;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.api.Quantities;
import dev.metricsstream.gateway.http.ResponseBodies;
import dev.metricsstream.gateway.http.StatusResponses;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The History API, {@code history.metrics-stream.dev/v1alpha1}: the closed windows of one size over a time range,
 * per node, per pod (containers summed) and per namespace (a roll-up of its pods), from {@link WindowHistory}.
 * Its own group, not {@code metrics.k8s.io}: that group's schema is fixed by k8s.io/metrics and read by the HPA and
 * {@code kubectl top}; a separate group is registered by its own APIService, can be authorized on its own in RBAC
 * and evolve ({@code v1alpha1}) without touching the resource metrics. Errors are {@code metav1.Status}.
 *
 * <pre>
 * GET /apis/history.metrics-stream.dev/v1alpha1/nodes/{name}?window=5m&amp;start=RFC3339&amp;end=RFC3339
 * GET /apis/history.metrics-stream.dev/v1alpha1/namespaces/{namespace}/pods/{name}?window=…
 * GET /apis/history.metrics-stream.dev/v1alpha1/namespaces/{namespace}?window=…      (roll-up)
 * </pre>
 * {@code window} defaults to the smallest kept size, {@code end} to now, {@code start} to {@code end} minus what is
 * kept of that size; windows that start in {@code [start, end)} are listed, oldest first.
 */
public final class HistoryApi {
    public static final String GROUP = "history.metrics-stream.dev";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    static final String BASE = "/apis/" + GROUP;
    private static final Logger LOG = LoggerFactory.getLogger(HistoryApi.class);

    private final WindowHistory history;
    private final InstantSource clock;

    public HistoryApi(WindowHistory history, InstantSource clock, PrometheusRegistry registry) {
        this.history = history;
        this.clock = clock;
        GaugeWithCallback.builder().name("metrics_stream_gateway_history_windows")
                .help("Closed windows held in the gateway's history, over every node, pod and size")
                .callback(cb -> cb.call(history.windowCount())).register(registry);
        GaugeWithCallback.builder().name("metrics_stream_gateway_history_entities")
                .help("Nodes and pods with windows in the gateway's history").labelNames("kind")
                .callback(cb -> {
                    cb.call(history.nodeCount(), "node");
                    cb.call(history.podCount(), "pod");
                }).register(registry);
        CounterWithCallback.builder().name("metrics_stream_gateway_history_windows_offered_total")
                .help("Windows offered to the history, by outcome (kept, size_not_kept, too_old, invalid)")
                .labelNames("outcome")
                .callback(cb -> {
                    for (WindowHistory.Outcome outcome : WindowHistory.Outcome.values()) {
                        cb.call(history.count(outcome), outcome.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
    }

    public void install(JavalinConfig config) {
        config.routes.get(BASE, ctx -> ResponseBodies.json(ctx, this::writeGroup));
        config.routes.get(BASE + "/{version}", ctx -> {
            if (served(ctx)) {
                ResponseBodies.json(ctx, HistoryApi::writeResourceList);
            }
        });
        config.routes.get(BASE + "/{version}/nodes/{name}", ctx -> {
            String name = ctx.pathParam("name");
            answer(ctx, "nodes", name, null, "NodeWindowList",
                    range -> history.node(name, range.windowMillis(), range.fromMillis(), range.toMillis()));
        });
        config.routes.get(BASE + "/{version}/namespaces/{namespace}/pods/{name}", ctx -> {
            String namespace = ctx.pathParam("namespace");
            String name = ctx.pathParam("name");
            answer(ctx, "pods", name, namespace, "PodWindowList", range -> history.pod(namespace, name,
                    range.windowMillis(), range.fromMillis(), range.toMillis()));
        });
        config.routes.get(BASE + "/{version}/namespaces/{namespace}", ctx -> {
            String namespace = ctx.pathParam("namespace");
            answer(ctx, "namespaces", namespace, null, "NamespaceWindowList", range -> history.namespace(namespace,
                    range.windowMillis(), range.fromMillis(), range.toMillis()));
        });
    }

    private static boolean served(Context ctx) {
        if (!VERSION.equals(ctx.pathParam("version"))) {
            StatusResponses.send(ctx, ApiStatus.pathNotFound());
            return false;
        }
        return true;
    }

    /** The time range of a request. */
    record Range(long windowMillis, long fromMillis, long toMillis) {
    }

    private interface Query {
        Optional<List<WindowHistory.Point>> run(Range range);
    }

    private void answer(Context ctx, String resource, String name, String namespace, String kind, Query query)
            throws IOException {
        if (!served(ctx)) {
            return;
        }
        String watch = ctx.queryParam("watch");
        if ("true".equals(watch) || "1".equals(watch)) {
            StatusResponses.send(ctx, new ApiStatus(405, "MethodNotAllowed", "watch is not supported on resources of "
                    + "kind \"" + resource + "." + GROUP + "\"", new ApiStatus.Details(null, GROUP, resource)));
            return;
        }
        Range range;
        try {
            range = range(ctx);
        } catch (IllegalArgumentException e) {
            LOG.atInfo().addKeyValue("path", ctx.path()).addKeyValue("reason", e.getMessage())
                    .log("history request rejected");
            StatusResponses.send(ctx, ApiStatus.badRequest(e.getMessage()));
            return;
        }
        Optional<List<WindowHistory.Point>> points = query.run(range);
        if (points.isEmpty()) {
            String full = namespace == null ? name : namespace + "/" + name;
            StatusResponses.send(ctx, new ApiStatus(404, "NotFound", resource + "." + GROUP + " \"" + full
                    + "\" not found", new ApiStatus.Details(full, GROUP, resource)));
            return;
        }
        ResponseBodies.json(ctx, json -> writeList(json, kind, name, namespace, range, points.get()));
    }

    Range range(Context ctx) {
        List<HistoryRetention.Size> sizes = history.retention().sizes();
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("this gateway keeps no history (HISTORY_WINDOWS is empty)");
        }
        String windowParam = ctx.queryParam("window");
        HistoryRetention.Size size = sizes.get(0);
        if (windowParam != null && !windowParam.isEmpty()) {
            Duration window;
            try {
                window = Durations.parse(windowParam);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("window must be a duration such as 1m or 5m, got '" + windowParam
                        + "'");
            }
            size = sizes.stream().filter(s -> s.window().equals(window)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("window " + windowParam + " is not kept; kept sizes: "
                            + keptSizes()));
        }
        long end = time(ctx, "end", clock.millis());
        long start = time(ctx, "start", end - size.span().toMillis());
        if (start >= end) {
            throw new IllegalArgumentException("start must be before end");
        }
        return new Range(size.windowMillis(), start, end);
    }

    private String keptSizes() {
        return history.retention().sizes().stream().map(s -> Durations.format(s.window()))
                .collect(Collectors.joining(", "));
    }

    private static long time(Context ctx, String param, long defaultMillis) {
        String value = ctx.queryParam(param);
        if (value == null || value.isEmpty()) {
            return defaultMillis;
        }
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(param + " must be an RFC 3339 time such as 2026-01-02T15:04:05Z, got '"
                    + value + "'");
        }
    }

    private static void writeList(JsonGenerator json, String kind, String name, String namespace, Range range,
            List<WindowHistory.Point> points) throws IOException {
        String window = GoDuration.format(range.windowMillis() * 1_000_000L);
        json.writeStartObject();
        json.writeStringField("kind", kind);
        json.writeStringField("apiVersion", API_VERSION);
        json.writeObjectFieldStart("metadata");
        json.writeStringField("name", name);
        if (namespace != null) {
            json.writeStringField("namespace", namespace);
        }
        json.writeEndObject();
        json.writeStringField("window", window);
        json.writeStringField("start", MetricsJson.rfc3339(range.fromMillis()));
        json.writeStringField("end", MetricsJson.rfc3339(range.toMillis()));
        json.writeArrayFieldStart("items");
        boolean rollUp = kind.equals("NamespaceWindowList");
        for (WindowHistory.Point p : points) {
            json.writeStartObject();
            json.writeStringField("timestamp", MetricsJson.rfc3339(p.startMillis()));
            json.writeStringField("window", window);
            if (rollUp) {
                json.writeNumberField("pods", p.entities());
            }
            json.writeObjectFieldStart("cpu");
            json.writeStringField("avg", Quantities.cpu(p.cpuAvgNanocores()));
            json.writeStringField("max", Quantities.cpu(p.cpuMaxNanocores()));
            json.writeStringField("p95", Quantities.cpu(p.cpuP95Nanocores()));
            json.writeEndObject();
            json.writeObjectFieldStart("memory");
            json.writeStringField("avg", Quantities.memory(p.memoryAvgBytes()));
            json.writeStringField("max", Quantities.memory(p.memoryMaxBytes()));
            json.writeStringField("p95", Quantities.memory(p.memoryP95Bytes()));
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private void writeGroup(JsonGenerator json) throws IOException {
        DiscoveryJson.writeGroup(json, GROUP, List.of(VERSION));
    }


    private static void writeResourceList(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIResourceList");
        json.writeStringField("apiVersion", "v1");
        json.writeStringField("groupVersion", API_VERSION);
        json.writeArrayFieldStart("resources");
        writeResource(json, "namespaces", false, "NamespaceWindowList");
        writeResource(json, "nodes", false, "NodeWindowList");
        writeResource(json, "pods", true, "PodWindowList");
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeResource(JsonGenerator json, String name, boolean namespaced, String kind)
            throws IOException {
        DiscoveryJson.writeResource(json, name, namespaced, kind, "get");
    }
}
