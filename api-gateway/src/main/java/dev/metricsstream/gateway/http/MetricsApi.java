package dev.metricsstream.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.gateway.api.ApiStatus;
import dev.metricsstream.gateway.api.Discovery;
import dev.metricsstream.gateway.api.ListWriter;
import dev.metricsstream.gateway.api.MetricsJson;
import dev.metricsstream.gateway.api.TableJson;
import dev.metricsstream.gateway.store.Freshness;
import dev.metricsstream.gateway.store.MetricsStoreReader;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The Resource Metrics API routes (metrics.k8s.io, every served version) and their discovery documents. Reads the
 * store at request time, drops what is older than the staleness bound, filters by selectors and streams the list
 * in metrics-server's order; every failure is a {@code metav1.Status}.
 */
public final class MetricsApi {
    static final String BASE = "/apis/" + Discovery.GROUP;
    private static final String JSON = "application/json";

    private final MetricsStoreReader store;
    private final HealthCheck storeRestored;
    private final InstantSource clock;
    private final Freshness freshness;
    private final Discovery discovery;
    private final Counter staleSkipped;
    /** The {@code kind} values of {@code stale_items_skipped_total}. */
    public static final java.util.List<String> STALE_KINDS = java.util.List.of("node", "pod");

    /**
     * @param storeRestored passes once the store holds everything that was published before the gateway started;
     *                      until then the metrics routes answer 503 instead of an empty or partial list
     */
    public MetricsApi(MetricsStoreReader store, HealthCheck storeRestored, InstantSource clock, Freshness freshness,
            Discovery discovery, PrometheusRegistry registry) {
        this.store = store;
        this.storeRestored = storeRestored;
        this.clock = clock;
        this.freshness = freshness;
        this.discovery = discovery;
        this.staleSkipped = Counter.builder().name("metrics_stream_gateway_stale_items_skipped_total")
                .help("Nodes and pods found in the store but not served because their newest sample is older than "
                        + "the staleness bound").labelNames("kind").register(registry);
        for (String kind : STALE_KINDS) {
            staleSkipped.initLabelValues(kind); // from 0, so that the first stale item is a visible increase
        }
    }

    public void install(JavalinConfig config) {
        config.routes.get("/apis", ctx -> ResponseBodies.json(ctx, discovery::writeGroupList));
        config.routes.get(BASE, ctx -> ResponseBodies.json(ctx, discovery::writeGroup));
        config.routes.get(BASE + "/{version}", ctx -> {
            String version = servedVersion(ctx);
            if (version != null) {
                ResponseBodies.json(ctx, json -> discovery.writeResourceList(json, version));
            }
        });
        config.routes.get(BASE + "/{version}/nodes", this::listNodes);
        config.routes.get(BASE + "/{version}/nodes/{name}", this::getNode);
        config.routes.get(BASE + "/{version}/pods", ctx -> listPods(ctx, null));
        config.routes.get(BASE + "/{version}/namespaces/{namespace}/pods",
                ctx -> listPods(ctx, ctx.pathParam("namespace")));
        config.routes.get(BASE + "/{version}/namespaces/{namespace}/pods/{name}", this::getPod);
    }

    /** The version from the path, or null after answering 404 as the apiserver does for an unknown version. */
    private String servedVersion(Context ctx) {
        String version = ctx.pathParam("version");
        if (!discovery.serves(version)) {
            StatusResponses.send(ctx, ApiStatus.pathNotFound());
            return null;
        }
        return version;
    }

    /**
     * The served version from the path, or null after answering: 404 for an unknown version, 503 while the store is
     * not restored (a list would be empty or partial; an apiserver that is not ready answers 503 too). Discovery is
     * served regardless, as the apiserver serves it before its storage is ready.
     */
    private String servedVersionWithData(Context ctx) {
        String version = servedVersion(ctx);
        if (version == null) {
            return null;
        }
        return ListRequests.storeRestored(ctx, storeRestored) ? version : null;
    }

    private static String apiVersion(String version) {
        return Discovery.GROUP + "/" + version;
    }

    private void getNode(Context ctx) throws IOException {
        String version = servedVersionWithData(ctx);
        if (version == null || refuseWatch(ctx, ApiStatus.NODE_RESOURCE)) {
            return;
        }
        long now = clock.millis();
        String name = ctx.pathParam("name");
        Optional<NodeMetrics> node = store.node(name).filter(n -> fresh(n.getTimestampMillis(), now, "node"));
        if (node.isEmpty()) {
            StatusResponses.send(ctx, ApiStatus.nodeNotFound(name));
            return;
        }
        Rendering rendering = rendering(ctx, MetricsJson.NODE_KIND, apiVersion(version), now);
        ResponseBodies.json(ctx, rendering.contentType(), json -> {
            if (rendering instanceof TableRendering) {
                rendering.start(json);
                rendering.node(json, node.get());
                rendering.end(json);
            } else {
                MetricsJson.writeNode(json, node.get(), apiVersion(version), now, true);
            }
        });
    }

    private void getPod(Context ctx) throws IOException {
        String version = servedVersionWithData(ctx);
        if (version == null || refuseWatch(ctx, ApiStatus.POD_RESOURCE)) {
            return;
        }
        long now = clock.millis();
        String namespace = ctx.pathParam("namespace");
        String name = ctx.pathParam("name");
        Optional<PodMetrics> pod = store.pod(namespace, name).filter(p -> fresh(p.getTimestampMillis(), now, "pod"));
        if (pod.isEmpty()) {
            StatusResponses.send(ctx, ApiStatus.podNotFound(namespace, name));
            return;
        }
        Rendering rendering = rendering(ctx, MetricsJson.POD_KIND, apiVersion(version), now);
        ResponseBodies.json(ctx, rendering.contentType(), json -> {
            if (rendering instanceof TableRendering) {
                rendering.start(json);
                rendering.pod(json, pod.get());
                rendering.end(json);
            } else {
                MetricsJson.writePod(json, pod.get(), apiVersion(version), now, true);
            }
        });
    }

    private void listNodes(Context ctx) throws IOException {
        String version = servedVersionWithData(ctx);
        if (version == null || refuseWatch(ctx, ApiStatus.NODE_RESOURCE)) {
            return;
        }
        ListRequests.Selectors selectors = ListRequests.selectors(ctx);
        if (selectors == null) {
            return;
        }
        long now = clock.millis();
        Rendering rendering = rendering(ctx, MetricsJson.NODE_KIND, apiVersion(version), now);
        ResponseBodies.json(ctx, rendering.contentType(), json -> {
            rendering.start(json);
            store.forEachNode(node -> {
                if (selectors.fields().matches(node.getNodeName(), null) && selectors.labels().matches(node.getLabels())
                        && fresh(node.getTimestampMillis(), now, "node")) {
                    ListRequests.write(() -> rendering.node(json, node));
                }
            });
            rendering.end(json);
        });
    }

    private void listPods(Context ctx, String pathNamespace) throws IOException {
        String version = servedVersionWithData(ctx);
        if (version == null || refuseWatch(ctx, ApiStatus.POD_RESOURCE)) {
            return;
        }
        ListRequests.Selectors selectors = ListRequests.selectors(ctx);
        if (selectors == null) {
            return;
        }
        long now = clock.millis();
        // a namespace from the path or pinned by the field selector makes it a range scan
        String namespace = pathNamespace != null ? pathNamespace : selectors.fields().requiredNamespace();
        Rendering rendering = rendering(ctx, MetricsJson.POD_KIND, apiVersion(version), now);
        if (rendering instanceof ListRendering) {
            // the common case (HPA, kubectl top): copy each pod's pre-rendered item, no JSON generator
            try (OutputStream out = ResponseBodies.open(ctx, 200, JSON)) {
                ListWriter list = new ListWriter(out, MetricsJson.POD_KIND, apiVersion(version), now);
                store.forEachPodItem(namespace, (pod, item) -> {
                    if (served(pod, pathNamespace, selectors, now)) {
                        ListRequests.write(() -> list.item(item));
                    }
                });
                list.end();
            }
            return;
        }
        ResponseBodies.json(ctx, rendering.contentType(), json -> {
            rendering.start(json);
            store.forEachPodItem(namespace, (pod, item) -> {
                if (served(pod, pathNamespace, selectors, now)) {
                    ListRequests.write(() -> rendering.pod(json, pod));
                }
            });
            rendering.end(json);
        });
    }

    /**
     * The label selector first: an HPA's selector rejects all but its deployment's pods, so for most pods of the
     * namespace this reads the labels map alone. The other tests have no side effect either; freshness stays last
     * (it counts what it skips).
     */
    private boolean served(PodMetrics pod, String pathNamespace, ListRequests.Selectors selectors, long now) {
        return selectors.labels().matches(pod.getLabels())
                && (pathNamespace == null || pathNamespace.equals(pod.getNamespace()))
                && selectors.fields().matches(pod.getName(), pod.getNamespace())
                && fresh(pod.getTimestampMillis(), now, "pod");
    }

    private boolean fresh(long sampleMillis, long nowMillis, String kind) {
        boolean fresh = freshness.isFresh(sampleMillis, nowMillis);
        if (!fresh) {
            staleSkipped.labelValues(kind).inc();
        }
        return fresh;
    }

    private static boolean refuseWatch(Context ctx, String resource) {
        String watch = ctx.queryParam("watch");
        if (watch != null && (watch.equals("true") || watch.equals("1"))) {
            StatusResponses.send(ctx, ApiStatus.methodNotSupported(resource, "watch"));
            return true;
        }
        return false;
    }

    /** How a response renders its items: the metrics list, or the server-side Table the client asked for. */
    private interface Rendering {
        String contentType();

        void start(JsonGenerator json) throws IOException;

        void node(JsonGenerator json, NodeMetrics node) throws IOException;

        void pod(JsonGenerator json, PodMetrics pod) throws IOException;

        void end(JsonGenerator json) throws IOException;
    }

    private record ListRendering(String kind, String apiVersion, long nowMillis) implements Rendering {
        @Override
        public String contentType() {
            return JSON;
        }

        @Override
        public void start(JsonGenerator json) throws IOException {
            MetricsJson.startList(json, kind, apiVersion);
        }

        @Override
        public void node(JsonGenerator json, NodeMetrics node) throws IOException {
            MetricsJson.writeNode(json, node, apiVersion, nowMillis, false);
        }

        @Override
        public void pod(JsonGenerator json, PodMetrics pod) throws IOException {
            MetricsJson.writePod(json, pod, apiVersion, nowMillis, false);
        }

        @Override
        public void end(JsonGenerator json) throws IOException {
            MetricsJson.endList(json);
        }
    }

    private record TableRendering(TableJson.Request table, String apiVersion, long nowMillis) implements Rendering {
        @Override
        public String contentType() {
            return "application/json;as=Table;v=" + table.metaVersion() + ";g=meta.k8s.io";
        }

        @Override
        public void start(JsonGenerator json) throws IOException {
            TableJson.start(json, table);
        }

        @Override
        public void node(JsonGenerator json, NodeMetrics node) throws IOException {
            TableJson.nodeRow(json, node, table, apiVersion, nowMillis);
        }

        @Override
        public void pod(JsonGenerator json, PodMetrics pod) throws IOException {
            TableJson.podRow(json, pod, table, apiVersion, nowMillis);
        }

        @Override
        public void end(JsonGenerator json) throws IOException {
            TableJson.end(json);
        }
    }

    private static Rendering rendering(Context ctx, String kind, String apiVersion, long nowMillis) {
        String tableVersion = TableJson.requestedTableVersion(ctx.header("Accept"));
        if (tableVersion == null) {
            return new ListRendering(kind, apiVersion, nowMillis);
        }
        return new TableRendering(new TableJson.Request(tableVersion,
                TableJson.IncludeObject.parse(ctx.queryParam("includeObject"))), apiVersion, nowMillis);
    }
}
