package dev.metricsstream.gateway.custom;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.SummaryUsage;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.DiscoveryJson;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.http.ResponseBodies;
import dev.metricsstream.gateway.http.StatusResponses;
import dev.metricsstream.gateway.select.LabelSelector;
import dev.metricsstream.gateway.select.SelectorException;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
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
 * gateway's store: the latest closed window of each size per pod and node ({@link WindowMetric}), the latest
 * {@code /stats/summary} values of pods and nodes ({@link SummaryMetric}: network rates, RSS, ephemeral storage),
 * and for external metrics also the latest CPU/memory sample of pods. Bodies are written field for field as the Go types of
 * k8s.io/metrics {@code pkg/apis/custom_metrics} and {@code pkg/apis/external_metrics} serialize (JSON only; a
 * client asking for protobuf first, as the HPA does, falls back to JSON).
 *
 * <p>A value that is not available (no closed window of that size yet, or the newest one older than its size plus
 * the staleness bound; a summary value the newest scrape did not carry, e.g. because the collector does not read
 * {@code /stats/summary}) is absent: a 404 Status for one object, left out of a list. Never zero. Discovery lists
 * every metric the gateway can serve, whatever the collectors' source.
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

    /**
     * An external metric: an aggregation of a window metric, of the pods' latest sample ({@code latest}), or of their
     * latest {@code /stats/summary} value ({@code summary}); exactly one of the three is set.
     */
    record ExternalMetric(String name, WindowMetric window, WindowMetric.Resource latest, SummaryMetric summary,
            Aggregation aggregation) {
    }

    private final MetricsStoreReader store;
    private final InstantSource clock;
    private final Freshness freshness;
    private final Map<String, WindowMetric> windowMetrics = new LinkedHashMap<>();
    private final Map<String, SummaryMetric> summaryMetrics = new LinkedHashMap<>();
    private final Map<String, ExternalMetric> externalMetrics = new LinkedHashMap<>();
    private final Counter rejected;

    public CustomMetricsApi(MetricsStoreReader store, InstantSource clock, Freshness freshness,
            List<Duration> windowSizes, PrometheusRegistry registry) {
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
                externalMetrics.put(name, new ExternalMetric(name, null, resource, null, aggregation));
            }
        }
        for (SummaryMetric metric : SummaryMetric.values()) {
            summaryMetrics.put(metric.metricName(), metric);
        }
        for (WindowMetric metric : windowMetrics.values()) {
            for (Aggregation aggregation : Aggregation.values()) {
                String name = metric.name() + "_" + aggregation.name().toLowerCase(java.util.Locale.ROOT);
                externalMetrics.put(name, new ExternalMetric(name, metric, null, null, aggregation));
            }
        }
        for (SummaryMetric metric : summaryMetrics.values()) {
            for (Aggregation aggregation : Aggregation.values()) {
                String name = metric.metricName() + "_" + aggregation.name().toLowerCase(java.util.Locale.ROOT);
                externalMetrics.put(name, new ExternalMetric(name, null, null, metric, aggregation));
            }
        }
        rejected = Counter.builder().name("metrics_stream_gateway_custom_metrics_rejected_total")
                .help("custom/external metrics requests answered with a 4xx Status, by reason")
                .labelNames("reason").register(registry);
    }

    public void install(JavalinConfig config) {
        config.routes.get(CUSTOM_BASE,
                ctx -> ResponseBodies.json(ctx, json -> writeGroup(json, CUSTOM_GROUP, CUSTOM_VERSIONS)));
        config.routes.get(EXTERNAL_BASE, ctx -> ResponseBodies.json(ctx, json -> writeGroup(json, EXTERNAL_GROUP,
                List.of(EXTERNAL_VERSION))));
        config.routes.get(CUSTOM_BASE + "/{version}", ctx -> {
            if (customVersion(ctx) != null) {
                ResponseBodies.json(ctx, json -> writeCustomResources(json, ctx.pathParam("version")));
            }
        });
        config.routes.get(EXTERNAL_BASE + "/{version}", ctx -> {
            if (externalVersion(ctx)) {
                ResponseBodies.json(ctx, this::writeExternalResources);
            }
        });
        config.routes.get(CUSTOM_BASE + "/{version}/namespaces/{namespace}/pods/{name}/{metric}", this::pods);
        config.routes.get(CUSTOM_BASE + "/{version}/nodes/{name}/{metric}", this::nodes);
        config.routes.get(CUSTOM_BASE + "/{version}/namespaces/{namespace}/metrics/{metric}", this::namespace);
        config.routes.get(EXTERNAL_BASE + "/{version}/namespaces/{namespace}/{metric}", this::external);
    }

    // ---- custom.metrics.k8s.io

    /** One value for one described object, its quantity already written. */
    private record Item(String kind, String namespace, String name, long timestampMillis, long windowSeconds,
            String value) {
    }

    /**
     * What a custom request names, checked before any byte is written; null when a Status was sent. Exactly one of
     * {@code metric} (a window statistic) and {@code summary} (a latest /stats/summary value) is set.
     */
    private record CustomRequest(String version, WindowMetric metric, SummaryMetric summary, LabelSelector labels) {
        String metricName() {
            return metric != null ? metric.name() : summary.metricName();
        }
    }

    private CustomRequest customRequest(Context ctx, String resource) {
        String version = customVersion(ctx);
        if (version == null) {
            return null;
        }
        WindowMetric metric = windowMetrics.get(ctx.pathParam("metric"));
        SummaryMetric summary = summaryMetrics.get(ctx.pathParam("metric"));
        if (metric == null && summary == null) {
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
        return new CustomRequest(version, metric, summary, labels);
    }

    private void pods(Context ctx) throws IOException {
        CustomRequest request = customRequest(ctx, "pods");
        if (request == null) {
            return;
        }
        if (request.summary() != null) {
            summaryPods(ctx, request);
            return;
        }
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        long now = clock.millis();
        if (!"*".equals(name)) {
            Optional<MetricsWindow> window = latest(EntityKind.POD, namespace + "/" + name, request.metric(), now);
            if (window.isEmpty()) {
                notFoundFor(ctx, request.metricName(), "pods", namespace + "/" + name);
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
        if (request.summary() != null) {
            summaryNodes(ctx, request);
            return;
        }
        String name = ctx.pathParam("name");
        long now = clock.millis();
        if (!"*".equals(name)) {
            Optional<MetricsWindow> window = latest(EntityKind.NODE, name, request.metric(), now);
            if (window.isEmpty()) {
                notFoundFor(ctx, request.metricName(), "nodes", name);
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
        if (request.summary() != null) {
            summaryNamespace(ctx, request);
            return;
        }
        String namespace = ctx.pathParam("namespace");
        List<MetricsWindow> windows = newestPodWindows(namespace, LabelSelector.everything(), request.metric(),
                clock.millis());
        if (windows.isEmpty()) {
            notFoundFor(ctx, request.metricName(), "namespaces", namespace);
            return;
        }
        long sum = 0;
        for (MetricsWindow window : windows) {
            sum += request.metric().value(window);
        }
        writeCustom(ctx, request, List.of(new Item("Namespace", null, namespace,
                windows.get(0).getWindowEndMillis(), request.metric().windowSeconds(),
                request.metric().resource().quantity(sum))));
    }

    private static Item item(String kind, String namespace, String name, WindowMetric metric, MetricsWindow window) {
        return new Item(kind, namespace, name, window.getWindowEndMillis(), metric.windowSeconds(),
                metric.resource().quantity(metric.value(window)));
    }

    // ---- custom metrics from /stats/summary (latest values on node-usage)

    /**
     * A summary value with the time it is of: a network rate's counter time and window, else the time and window
     * of the entity's usage sample (the scrape the gauge came from).
     */
    private record SummaryValue(double value, long timestampMillis, long windowNanos) {
    }

    /** The value if the summary carries it and it is fresh; null otherwise (absent, never zero). */
    private SummaryValue summaryValue(SummaryMetric metric, SummaryUsage summary, long usageTimestampMillis,
            long usageWindowNanos, long now) {
        Double value = metric.value(summary);
        if (value == null) {
            return null;
        }
        long timestamp = metric.isRate() ? summary.getNetworkTimestampMillis() : usageTimestampMillis;
        long window = metric.isRate() ? summary.getNetworkWindowNanos() : usageWindowNanos;
        return freshness.isFresh(timestamp, now) ? new SummaryValue(value, timestamp, window) : null;
    }

    private static Item item(String kind, String namespace, String name, SummaryMetric metric, SummaryValue value) {
        return new Item(kind, namespace, name, value.timestampMillis(), Math.round(value.windowNanos() / 1e9),
                metric.quantity(value.value()));
    }

    private void summaryPods(Context ctx, CustomRequest request) throws IOException {
        SummaryMetric metric = request.summary();
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        long now = clock.millis();
        if (!"*".equals(name)) {
            Optional<PodMetrics> pod = store.pod(namespace, name);
            SummaryValue value = pod.isEmpty() ? null : summaryValue(metric,
                    store.podSummary(namespace, name).orElse(null), pod.get().getTimestampMillis(),
                    pod.get().getWindowNanos(), now);
            if (value == null) {
                notFoundFor(ctx, metric.metricName(), "pods", namespace + "/" + name);
                return;
            }
            writeCustom(ctx, request, List.of(item("Pod", namespace, name, metric, value)));
            return;
        }
        List<Item> items = new ArrayList<>();
        store.forEachPodSummaryInNamespace(namespace, (pod, summary) -> {
            SummaryValue value = summaryValue(metric, summary, pod.getTimestampMillis(), pod.getWindowNanos(), now);
            if (value != null && request.labels().matches(pod.getLabels())) {
                items.add(item("Pod", namespace, pod.getName(), metric, value));
            }
        });
        writeCustom(ctx, request, items);
    }

    private void summaryNodes(Context ctx, CustomRequest request) throws IOException {
        SummaryMetric metric = request.summary();
        String name = ctx.pathParam("name");
        long now = clock.millis();
        if (!"*".equals(name)) {
            Optional<NodeMetrics> node = store.node(name);
            SummaryValue value = node.isEmpty() ? null : summaryValue(metric, store.nodeSummary(name).orElse(null),
                    node.get().getTimestampMillis(), node.get().getWindowNanos(), now);
            if (value == null) {
                notFoundFor(ctx, metric.metricName(), "nodes", name);
                return;
            }
            writeCustom(ctx, request, List.of(item("Node", null, name, metric, value)));
            return;
        }
        List<Item> items = new ArrayList<>();
        store.forEachNode(node -> {
            SummaryValue value = summaryValue(metric, store.nodeSummary(node.getNodeName()).orElse(null),
                    node.getTimestampMillis(), node.getWindowNanos(), now);
            if (value != null && request.labels().matches(node.getLabels())) {
                items.add(item("Node", null, node.getNodeName(), metric, value));
            }
        });
        writeCustom(ctx, request, items);
    }

    /** The sum over the namespace's pods that have the value; timestamp and window of the newest of them. */
    private void summaryNamespace(Context ctx, CustomRequest request) throws IOException {
        String namespace = ctx.pathParam("namespace");
        List<SummaryValue> values = podSummaryValues(namespace, LabelSelector.everything(), request.summary(),
                clock.millis());
        if (values.isEmpty()) {
            notFoundFor(ctx, request.metricName(), "namespaces", namespace);
            return;
        }
        SummaryValue newest = newest(values);
        double sum = values.stream().mapToDouble(SummaryValue::value).sum();
        writeCustom(ctx, request, List.of(item("Namespace", null, namespace, request.summary(),
                new SummaryValue(sum, newest.timestampMillis(), newest.windowNanos()))));
    }

    private List<SummaryValue> podSummaryValues(String namespace, LabelSelector labels, SummaryMetric metric,
            long now) {
        List<SummaryValue> values = new ArrayList<>();
        store.forEachPodSummaryInNamespace(namespace, (pod, summary) -> {
            SummaryValue value = summaryValue(metric, summary, pod.getTimestampMillis(), pod.getWindowNanos(), now);
            if (value != null && labels.matches(pod.getLabels())) {
                values.add(value);
            }
        });
        return values;
    }

    private static SummaryValue newest(List<SummaryValue> values) {
        SummaryValue newest = values.get(0);
        for (SummaryValue value : values) {
            if (value.timestampMillis() > newest.timestampMillis()) {
                newest = value;
            }
        }
        return newest;
    }

    private void writeCustom(Context ctx, CustomRequest request, List<Item> items) throws IOException {
        boolean v1beta1 = request.version().equals("v1beta1");
        String metricName = request.metricName();
        ResponseBodies.json(ctx, json -> {
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
                    json.writeStringField("metricName", metricName);
                } else {
                    json.writeObjectFieldStart("metric");
                    json.writeStringField("name", metricName);
                    json.writeNullField("selector");
                    json.writeEndObject();
                }
                json.writeStringField("timestamp", MetricsJson.rfc3339(item.timestampMillis()));
                json.writeNumberField(v1beta1 ? "window" : "windowSeconds", item.windowSeconds());
                json.writeStringField("value", item.value());
                if (v1beta1) {
                    json.writeNullField("selector");
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void notFoundFor(Context ctx, String metricName, String resource, String name) {
        StatusResponses.send(ctx, new ApiStatus(404, "NotFound", "the server could not find the metric "
                + metricName + " for " + resource + " " + name, new ApiStatus.Details(name, CUSTOM_GROUP,
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
        long now = clock.millis();
        if (metric.summary() != null) {
            externalSummary(ctx, metric, namespace, labels, now);
            return;
        }
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
        writeExternal(ctx, metric, timestamp, windowSeconds, value.map(resource::quantity));
    }

    /** The selected pods' latest /stats/summary value, aggregated; no pod with a value = an empty list. */
    private void externalSummary(Context ctx, ExternalMetric metric, String namespace, LabelSelector labels,
            long now) throws IOException {
        List<SummaryValue> values = podSummaryValues(namespace, labels, metric.summary(), now);
        if (values.isEmpty()) {
            writeExternal(ctx, metric, 0, 0, Optional.empty());
            return;
        }
        double sum = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (SummaryValue value : values) {
            sum += value.value();
            max = Math.max(max, value.value());
        }
        double aggregated = switch (metric.aggregation()) {
            case SUM -> sum;
            case AVG -> sum / values.size();
            case MAX -> max;
        };
        SummaryValue newest = newest(values);
        writeExternal(ctx, metric, newest.timestampMillis(), Math.round(newest.windowNanos() / 1e9),
                Optional.of(metric.summary().quantity(aggregated)));
    }

    private void writeExternal(Context ctx, ExternalMetric metric, long ts, long windowSeconds,
            Optional<String> value) throws IOException {
        ResponseBodies.json(ctx, json -> {
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
                json.writeStringField("value", value.get());
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
        for (SummaryMetric metric : summaryMetrics.values()) {
            writeResource(json, "pods/" + metric.metricName(), true, "MetricValueList");
            writeResource(json, "nodes/" + metric.metricName(), false, "MetricValueList");
            writeResource(json, "namespaces/" + metric.metricName(), false, "MetricValueList");
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
}
