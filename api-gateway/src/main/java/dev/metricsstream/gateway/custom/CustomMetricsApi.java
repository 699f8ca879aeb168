package dev.metricsstream.gateway.custom;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.DiscoveryJson;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.http.ResponseBodies;
import dev.metricsstream.gateway.http.StatusResponses;
import dev.metricsstream.gateway.select.LabelSelector;
import dev.metricsstream.gateway.select.SelectorException;
import dev.metricsstream.gateway.store.Clock;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code custom.metrics.k8s.io} (v1beta2 preferred, v1beta1) and {@code external.metrics.k8s.io/v1beta1} from the
 * gateway's store: the latest closed window of each size per pod and node ({@link WindowMetric}), and for external
 * metrics also the latest CPU/memory sample of pods. Bodies are written field for field as the Go types of
 * k8s.io/metrics {@code pkg/apis/custom_metrics} and {@code pkg/apis/external_metrics} serialize (JSON only; a
 * client asking for protobuf first, as the HPA does, falls back to JSON).
 *
 * <p>A value that is not available (no closed window of that size yet, or the newest one older than its size plus
 * the staleness bound) is absent: a 404 Status for one object, left out of a list. Never zero.
 *
 * <pre>
 * custom:   /apis/custom.metrics.k8s.io/{v}/namespaces/{ns}/pods/{name|*}/{metric}?labelSelector=…
 *           /apis/custom.metrics.k8s.io/{v}/nodes/{name|*}/{metric}?labelSelector=…
 *           /apis/custom.metrics.k8s.io/{v}/namespaces/{ns}/metrics/{metric}     (namespace = sum of its pods)
 * external: /apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}?labelSelector=…
 * </pre>
 */
public final class CustomMetricsApi {
    public static final String CUSTOM_GROUP = "custom.metrics.k8s.io";
    public static final String EXTERNAL_GROUP = "external.metrics.k8s.io";
    public static final List<String> CUSTOM_VERSIONS = List.of("v1beta2", "v1beta1");
    public static final String EXTERNAL_VERSION = "v1beta1";
    private static final String CUSTOM_BASE = "/apis/" + CUSTOM_GROUP;
    private static final String EXTERNAL_BASE = "/apis/" + EXTERNAL_GROUP;
    private static final Logger LOG = LoggerFactory.getLogger(CustomMetricsApi.class);

    /** How an external metric folds the values of the selected pods. */
    enum Aggregation { SUM, AVG, MAX }

    /** An external metric: an aggregation of a window metric, or (window null) of the pods' latest sample. */
    record ExternalMetric(String name, WindowMetric window, WindowMetric.Resource latest, Aggregation aggregation) {
    }

    private final MetricsStoreReader store;
    private final Clock clock;
    private final Freshness freshness;
    private final Map<String, WindowMetric> windowMetrics = new LinkedHashMap<>();
    private final Map<String, ExternalMetric> externalMetrics = new LinkedHashMap<>();
    private final Counter rejected;

    public CustomMetricsApi(MetricsStoreReader store, Clock clock, Freshness freshness, List<Duration> windowSizes,
            PrometheusRegistry registry) {
        this.store = store;
        this.clock = clock;
        this.freshness = freshness;
        for (WindowMetric metric : WindowMetric.catalog(windowSizes)) {
            windowMetrics.put(metric.name(), metric);
        }
        for (Aggregation aggregation : Aggregation.values()) {
            String suffix = "_" + aggregation.name().toLowerCase(java.util.Locale.ROOT);
            for (WindowMetric.Resource resource : WindowMetric.Resource.values()) {
                String name = resource.prefix + suffix;
                externalMetrics.put(name, new ExternalMetric(name, null, resource, aggregation));
            }
        }
        for (WindowMetric metric : windowMetrics.values()) {
            for (Aggregation aggregation : Aggregation.values()) {
                String name = metric.name() + "_" + aggregation.name().toLowerCase(java.util.Locale.ROOT);
                externalMetrics.put(name, new ExternalMetric(name, metric, null, aggregation));
            }
        }
        rejected = Counter.builder().name("metrics_stream_gateway_custom_metrics_rejected_total")
                .help("custom/external metrics requests answered with a 4xx Status, by reason")
                .labelNames("reason").register(registry);
    }

    public void install(JavalinConfig config) {
        config.routes.get(CUSTOM_BASE, ctx -> json(ctx, json -> writeGroup(json, CUSTOM_GROUP, CUSTOM_VERSIONS)));
        config.routes.get(EXTERNAL_BASE, ctx -> json(ctx, json -> writeGroup(json, EXTERNAL_GROUP,
                List.of(EXTERNAL_VERSION))));
        config.routes.get(CUSTOM_BASE + "/{version}", ctx -> {
            if (customVersion(ctx) != null) {
                json(ctx, json -> writeCustomResources(json, ctx.pathParam("version")));
            }
        });
        config.routes.get(EXTERNAL_BASE + "/{version}", ctx -> {
            if (externalVersion(ctx)) {
                json(ctx, this::writeExternalResources);
            }
        });
        config.routes.get(CUSTOM_BASE + "/{version}/namespaces/{namespace}/pods/{name}/{metric}", this::pods);
        config.routes.get(CUSTOM_BASE + "/{version}/nodes/{name}/{metric}", this::nodes);
        config.routes.get(CUSTOM_BASE + "/{version}/namespaces/{namespace}/metrics/{metric}", this::namespace);
        config.routes.get(EXTERNAL_BASE + "/{version}/namespaces/{namespace}/{metric}", this::external);
    }

    // ---- custom.metrics.k8s.io

    /** One value for one described object. */
    private record Item(String kind, String namespace, String name, long timestampMillis, long value) {
    }

    /** What a custom request names, checked before any byte is written; null when a Status was sent. */
    private record CustomRequest(String version, WindowMetric metric, LabelSelector labels) {
    }

    private CustomRequest customRequest(Context ctx, String resource) {
        String version = customVersion(ctx);
        if (version == null) {
            return null;
        }
        WindowMetric metric = windowMetrics.get(ctx.pathParam("metric"));
        if (metric == null) {
            reject(ctx, "unknown_metric", new ApiStatus(404, "NotFound", "the server could not find the metric "
                    + ctx.pathParam("metric") + " for " + resource, new ApiStatus.Details(null, CUSTOM_GROUP,
                    resource)));
            return null;
        }
        LabelSelector labels = selector(ctx, "labelSelector");
        if (labels == null) {
            return null;
        }
        LabelSelector metricLabels = selector(ctx, "metricLabelSelector");
        if (metricLabels == null) {
            return null;
        }
        if (!metricLabels.isEverything()) {
            reject(ctx, "metric_label_selector", ApiStatus.badRequest("metricLabelSelector \"" + metricLabels
                    + "\" is not supported: metrics-stream's custom metrics have no metric labels (leave the "
                    + "HPA metric's selector empty)"));
            return null;
        }
        return new CustomRequest(version, metric, labels);
    }

    private void pods(Context ctx) throws IOException {
        CustomRequest request = customRequest(ctx, "pods");
        if (request == null) {
            return;
        }
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        long now = clock.nowMillis();
        if (!"*".equals(name)) {
            Optional<MetricsWindow> window = latest(EntityKind.POD, namespace + "/" + name, request.metric(), now);
            if (window.isEmpty()) {
                notFoundFor(ctx, request.metric(), "pods", namespace + "/" + name);
                return;
            }
            writeCustom(ctx, request, List.of(item("Pod", namespace, name, request.metric(), window.get())));
            return;
        }
        List<Item> items = new ArrayList<>();
        forEachFreshWindow(EntityKind.POD, namespace + "/", request.metric(), now, window -> {
            String podName = podName(window);
            if (request.labels().matches(podLabels(namespace, podName, window))) {
                items.add(item("Pod", namespace, podName, request.metric(), window));
            }
        });
        writeCustom(ctx, request, items);
    }

    private void nodes(Context ctx) throws IOException {
        CustomRequest request = customRequest(ctx, "nodes");
        if (request == null) {
            return;
        }
        String name = ctx.pathParam("name");
        long now = clock.nowMillis();
        if (!"*".equals(name)) {
            Optional<MetricsWindow> window = latest(EntityKind.NODE, name, request.metric(), now);
            if (window.isEmpty()) {
                notFoundFor(ctx, request.metric(), "nodes", name);
                return;
            }
            writeCustom(ctx, request, List.of(item("Node", null, name, request.metric(), window.get())));
            return;
        }
        List<Item> items = new ArrayList<>();
        forEachFreshWindow(EntityKind.NODE, "", request.metric(), now, window -> {
            Map<String, String> labels = store.node(window.getEntity()).map(n -> n.getLabels())
                    .orElse(window.getLabels());
            if (request.labels().matches(labels)) {
                items.add(item("Node", null, window.getEntity(), request.metric(), window));
            }
        });
        writeCustom(ctx, request, items);
    }

    private void namespace(Context ctx) throws IOException {
        CustomRequest request = customRequest(ctx, "namespaces");
        if (request == null) {
            return;
        }
        String namespace = ctx.pathParam("namespace");
        List<MetricsWindow> windows = newestPodWindows(namespace, LabelSelector.everything(), request.metric(),
                clock.nowMillis());
        if (windows.isEmpty()) {
            notFoundFor(ctx, request.metric(), "namespaces", namespace);
            return;
        }
        long sum = 0;
        for (MetricsWindow window : windows) {
            sum += request.metric().value(window);
        }
        writeCustom(ctx, request, List.of(new Item("Namespace", null, namespace,
                windows.get(0).getWindowEndMillis(), sum)));
    }

    private static Item item(String kind, String namespace, String name, WindowMetric metric, MetricsWindow window) {
        return new Item(kind, namespace, name, window.getWindowEndMillis(), metric.value(window));
    }

    private void writeCustom(Context ctx, CustomRequest request, List<Item> items) throws IOException {
        boolean v1beta1 = request.version().equals("v1beta1");
        WindowMetric metric = request.metric();
        json(ctx, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "MetricValueList");
            json.writeStringField("apiVersion", CUSTOM_GROUP + "/" + request.version());
            json.writeObjectFieldStart("metadata");
            json.writeEndObject();
            json.writeArrayFieldStart("items");
            for (Item item : items) {
                json.writeStartObject();
                json.writeObjectFieldStart("describedObject"); // core/v1 ObjectReference, omitempty fields
                json.writeStringField("kind", item.kind());
                if (item.namespace() != null) {
                    json.writeStringField("namespace", item.namespace());
                }
                json.writeStringField("name", item.name());
                json.writeStringField("apiVersion", "v1"); // core group: Go's GroupVersion{"", "v1"}.String()
                json.writeEndObject();
                if (v1beta1) {
                    json.writeStringField("metricName", metric.name());
                } else {
                    json.writeObjectFieldStart("metric");
                    json.writeStringField("name", metric.name());
                    json.writeNullField("selector");
                    json.writeEndObject();
                }
                json.writeStringField("timestamp", MetricsJson.rfc3339(item.timestampMillis()));
                json.writeNumberField(v1beta1 ? "window" : "windowSeconds", metric.windowSeconds());
                json.writeStringField("value", metric.resource().quantity(item.value()));
                if (v1beta1) {
                    json.writeNullField("selector");
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void notFoundFor(Context ctx, WindowMetric metric, String resource, String name) {
        StatusResponses.send(ctx, new ApiStatus(404, "NotFound", "the server could not find the metric "
                + metric.name() + " for " + resource + " " + name, new ApiStatus.Details(name, CUSTOM_GROUP,
                resource)));
    }

    // ---- external.metrics.k8s.io

    private void external(Context ctx) throws IOException {
        if (!externalVersion(ctx)) {
            return;
        }
        String metricName = ctx.pathParam("metric");
        ExternalMetric metric = externalMetrics.get(metricName);
        if (metric == null) {
            reject(ctx, "unknown_metric", new ApiStatus(404, "NotFound", "the server could not find the metric "
                    + metricName + " for namespace " + ctx.pathParam("namespace"),
                    new ApiStatus.Details(metricName, EXTERNAL_GROUP, metricName)));
            return;
        }
        LabelSelector labels = selector(ctx, "labelSelector");
        if (labels == null) {
            return;
        }
        String namespace = ctx.pathParam("namespace");
        long now = clock.nowMillis();
        List<Long> values = new ArrayList<>();
        long timestamp = 0;
        long windowSeconds;
        WindowMetric.Resource resource;
        if (metric.window() != null) {
            resource = metric.window().resource();
            windowSeconds = metric.window().windowSeconds();
            for (MetricsWindow window : newestPodWindows(namespace, labels, metric.window(), now)) {
                values.add(metric.window().value(window));
                timestamp = window.getWindowEndMillis();
            }
        } else {
            resource = metric.latest();
            long[] newest = {0, 0};
            store.forEachPodInNamespace(namespace, pod -> {
                if (freshness.isFresh(pod.getTimestampMillis(), now) && labels.matches(pod.getLabels())) {
                    values.add(podUsage(pod, resource));
                    if (pod.getTimestampMillis() >= newest[0]) {
                        newest[0] = pod.getTimestampMillis();
                        newest[1] = pod.getWindowNanos();
                    }
                }
            });
            timestamp = newest[0];
            windowSeconds = Math.round(newest[1] / 1e9);
        }
        Optional<Long> value = aggregate(values, metric.aggregation());
        long ts = timestamp;
        json(ctx, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "ExternalMetricValueList");
            json.writeStringField("apiVersion", EXTERNAL_GROUP + "/" + EXTERNAL_VERSION);
            json.writeObjectFieldStart("metadata");
            json.writeEndObject();
            json.writeArrayFieldStart("items");
            if (value.isPresent()) {
                json.writeStartObject();
                json.writeStringField("metricName", metric.name());
                json.writeObjectFieldStart("metricLabels");
                json.writeEndObject();
                json.writeStringField("timestamp", MetricsJson.rfc3339(ts));
                json.writeNumberField("window", windowSeconds);
                json.writeStringField("value", resource.quantity(value.get()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    static long podUsage(PodMetrics pod, WindowMetric.Resource resource) {
        long sum = 0;
        for (ContainerMetrics c : pod.getContainers()) {
            sum += resource == WindowMetric.Resource.CPU ? c.getCpuNanocores() : c.getMemoryWorkingSetBytes();
        }
        return sum;
    }

    /** Empty when nothing was selected: the metric is then absent, never zero. */
    static Optional<Long> aggregate(List<Long> values, Aggregation aggregation) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        long sum = 0;
        long max = Long.MIN_VALUE;
        for (long v : values) {
            sum += v;
            max = Math.max(max, v);
        }
        return Optional.of(switch (aggregation) {
            case SUM -> sum;
            case AVG -> Math.round((double) sum / values.size());
            case MAX -> max;
        });
    }

    // ---- store access

    /** A window is served while it is the newest one that can have closed: its end at most size + bound ago. */
    private boolean fresh(MetricsWindow window, long now) {
        return freshness.isFresh(window.getWindowEndMillis() + window.getWindowSizeMillis(), now);
    }

    /**
     * Fresh latest windows of one kind and size whose entity starts with {@code entityPrefix} ({@code "ns/"}: one
     * namespace's pods, {@code ""}: every entity of that kind), from a range scan of the store.
     */
    private void forEachFreshWindow(EntityKind kind, String entityPrefix, WindowMetric metric, long now,
            Consumer<MetricsWindow> action) {
        store.forEachLatestWindow(kind, entityPrefix, window -> {
            if (window.getWindowSizeMillis() == metric.sizeMillis() && fresh(window, now)) {
                action.accept(window);
            }
        });
    }

    private Optional<MetricsWindow> latest(EntityKind kind, String entity, WindowMetric metric, long now) {
        MetricsWindow[] found = {null};
        forEachFreshWindow(kind, entity, metric, now, window -> {
            if (window.getEntity().equals(entity)) {
                found[0] = window;
            }
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * The selected pods' fresh windows of the newest end among them: a sum or average over pods mixes no two
     * different time ranges (a pod whose newest window is older, e.g. one that stopped, is left out).
     */
    private List<MetricsWindow> newestPodWindows(String namespace, LabelSelector labels, WindowMetric metric,
            long now) {
        List<MetricsWindow> selected = new ArrayList<>();
        forEachFreshWindow(EntityKind.POD, namespace + "/", metric, now, window -> {
            if (labels.matches(podLabels(namespace, podName(window), window))) {
                selected.add(window);
            }
        });
        long newestEnd = selected.stream().mapToLong(MetricsWindow::getWindowEndMillis).max().orElse(0);
        return selected.stream().filter(w -> w.getWindowEndMillis() == newestEnd).toList();
    }

    private static String podName(MetricsWindow window) {
        String entity = window.getEntity();
        return entity.substring(entity.indexOf('/') + 1);
    }

    /** The pod's current labels when the store has it, else those its window carries. */
    private Map<String, String> podLabels(String namespace, String name, MetricsWindow window) {
        return store.pod(namespace, name).map(PodMetrics::getLabels).orElse(window.getLabels());
    }

    // ---- discovery

    private void writeCustomResources(JsonGenerator json, String version) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIResourceList");
        json.writeStringField("apiVersion", "v1");
        json.writeStringField("groupVersion", CUSTOM_GROUP + "/" + version);
        json.writeArrayFieldStart("resources");
        for (WindowMetric metric : windowMetrics.values()) {
            writeResource(json, "pods/" + metric.name(), true, "MetricValueList");
            writeResource(json, "nodes/" + metric.name(), false, "MetricValueList");
            writeResource(json, "namespaces/" + metric.name(), false, "MetricValueList");
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private void writeExternalResources(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "APIResourceList");
        json.writeStringField("apiVersion", "v1");
        json.writeStringField("groupVersion", EXTERNAL_GROUP + "/" + EXTERNAL_VERSION);
        json.writeArrayFieldStart("resources");
        for (ExternalMetric metric : externalMetrics.values()) {
            writeResource(json, metric.name(), true, "ExternalMetricValueList");
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeResource(JsonGenerator json, String name, boolean namespaced, String kind)
            throws IOException {
        DiscoveryJson.writeResource(json, name, namespaced, kind, "get");
    }

    private static void writeGroup(JsonGenerator json, String group, List<String> versions) throws IOException {
        DiscoveryJson.writeGroup(json, group, versions);
    }


    // ---- helpers

    private static String customVersion(Context ctx) {
        String version = ctx.pathParam("version");
        if (!CUSTOM_VERSIONS.contains(version)) {
            StatusResponses.send(ctx, ApiStatus.pathNotFound());
            return null;
        }
        return version;
    }

    private static boolean externalVersion(Context ctx) {
        if (!EXTERNAL_VERSION.equals(ctx.pathParam("version"))) {
            StatusResponses.send(ctx, ApiStatus.pathNotFound());
            return false;
        }
        return true;
    }

    private LabelSelector selector(Context ctx, String param) {
        try {
            return LabelSelector.parse(ctx.queryParam(param));
        } catch (SelectorException e) {
            reject(ctx, "bad_selector", ApiStatus.badRequest(param + ": " + e.getMessage()));
            return null;
        }
    }

    private void reject(Context ctx, String reason, ApiStatus status) {
        rejected.labelValues(reason).inc();
        LOG.atInfo().addKeyValue("path", ctx.path()).addKeyValue("reason", status.message())
                .log("custom metrics request rejected");
        StatusResponses.send(ctx, status);
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static void json(Context ctx, Body body) throws IOException {
        try (OutputStream out = ResponseBodies.open(ctx, 200, "application/json");
             JsonGenerator json = MetricsJson.generator(out)) {
            body.write(json);
            json.writeRaw('\n');
        }
    }
}
