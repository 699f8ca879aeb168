package dev.metricsstream.testkit.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A kube-apiserver double for list + watch of cluster-scoped collections ({@code /api/v1/nodes},
 * {@code /api/v1/pods}) on a real loopback socket, in the apiserver's wire format: a list answer
 * ({@code NodeList}/{@code PodList} with {@code metadata.resourceVersion}) and a chunked watch stream of one
 * {@code {"type":...,"object":...}} event per line. Events pushed with {@link #emit} reach the open watch.
 */
public final class FakeListWatchServer implements AutoCloseable {
    private final HttpServer server;
    private record Listing(String kind, String resourceVersion, List<String> items) {
    }

    private final Map<String, Listing> lists = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<String>> events = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public FakeListWatchServer(String... paths) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-apiserver");
            t.setDaemon(true);
            return t;
        }));
        for (String path : paths) {
            events.put(path, new LinkedBlockingQueue<>());
            server.createContext(path, exchange -> handle(path, exchange));
        }
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * The list answer for {@code path}: {@code {"kind":kind,"apiVersion":"v1","metadata":{"resourceVersion":rv},
     * "items":[...]}}, in pages when the client sends {@code limit} (the {@code continue} token is the offset; a
     * {@code resourceVersion} together with {@code continue} is refused with 400, as the apiserver does).
     */
    public void list(String path, String kind, String resourceVersion, List<String> itemsJson) {
        lists.put(path, new Listing(kind, resourceVersion, List.copyOf(itemsJson)));
    }

    /** Sends one watch event ({@code ADDED}, {@code MODIFIED}, {@code DELETED}) to the watch on {@code path}. */
    public void emit(String path, String type, String objectJson) {
        events.get(path).add("{\"type\":\"" + type + "\",\"object\":" + objectJson + "}");
    }

    /** Sends one event line exactly as given (e.g. a BOOKMARK as the apiserver writes it). */
    public void emitLine(String path, String eventLine) {
        events.get(path).add(eventLine);
    }

    public List<String> requests() {
        return requests;
    }

    /** List requests (not watches) received on {@code path}. */
    public long listCount(String path) {
        return requests.stream().filter(r -> r.startsWith(path + "?") && !r.contains("watch=true")).count();
    }

    /** A BOOKMARK event line as kube-apiserver sends it: only kind and resourceVersion, required fields null. */
    public static String bookmark(String kind, String resourceVersion) {
        String spec = kind.equals("Pod") ? "{\"containers\":null}" : "{}";
        return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"" + kind + "\",\"metadata\":"
                + "{\"resourceVersion\":\"" + resourceVersion + "\"},\"spec\":" + spec + ",\"status\":{}}}";
    }

    private void handle(String path, HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String request = exchange.getRequestURI().getPath() + "?" + (query == null ? "" : query);
        requests.add(request);
        try (exchange) {
            if (request.contains("watch=true")) {
                watch(path, exchange);
            } else {
                Map<String, String> params = params(query);
                Listing listing = lists.getOrDefault(path, new Listing("List", "1", List.of()));
                int from = params.containsKey("continue") ? Integer.parseInt(params.get("continue")) : 0;
                if (params.containsKey("continue") && params.containsKey("resourceVersion")) {
                    respond(exchange, 400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                            + "\"message\":\"specifying resource version is not allowed when using continue\","
                            + "\"reason\":\"BadRequest\",\"code\":400}");
                    return;
                }
                int limit = params.containsKey("limit") ? Integer.parseInt(params.get("limit")) : Integer.MAX_VALUE;
                int to = (int) Math.min(listing.items().size(), (long) from + limit);
                String next = to < listing.items().size() ? ",\"continue\":\"" + to + "\"" : "";
                respond(exchange, 200, "{\"kind\":\"" + listing.kind() + "\",\"apiVersion\":\"v1\",\"metadata\":"
                        + "{\"resourceVersion\":\"" + listing.resourceVersion() + "\"" + next + "},\"items\":["
                        + String.join(",", listing.items().subList(from, to)) + "]}");
            }
        } catch (IOException | InterruptedException e) {
            // client went away or the server closes
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void watch(String path, HttpExchange exchange) throws IOException, InterruptedException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        BlockingQueue<String> queue = events.get(path);
        while (!closed) {
            String line = queue.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }

    /** A v1 Node with addresses as type/address pairs and a kubelet port (0 = not reported). */
    public static String node(String name, String resourceVersion, int kubeletPort, String... typeAddressPairs) {
        StringBuilder addresses = new StringBuilder();
        for (int i = 0; i < typeAddressPairs.length; i += 2) {
            if (i > 0) {
                addresses.append(',');
            }
            addresses.append("{\"type\":\"").append(typeAddressPairs[i]).append("\",\"address\":\"")
                    .append(typeAddressPairs[i + 1]).append("\"}");
        }
        return "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"uid\":\"uid-"
                + name + "\",\"resourceVersion\":\"" + resourceVersion + "\",\"labels\":{\"kubernetes.io/hostname\":\""
                + name + "\",\"topology.kubernetes.io/zone\":\"zone-a\"}},"
                + "\"spec\":{\"podCIDR\":\"10.244.0.0/24\"},"
                + "\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"16393216Ki\",\"pods\":\"110\"},"
                + "\"allocatable\":{\"cpu\":\"3900m\",\"memory\":\"16188416Ki\",\"pods\":\"110\"},"
                + "\"addresses\":[" + addresses + "],"
                + "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + kubeletPort + "}},"
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\","
                + "\"lastHeartbeatTime\":\"2026-11-21T12:00:00Z\",\"lastTransitionTime\":\"2026-11-21T10:00:00Z\"}],"
                + "\"nodeInfo\":{\"kubeletVersion\":\"v1.31.2\",\"osImage\":\"Ubuntu 24.04 LTS\","
                + "\"containerRuntimeVersion\":\"containerd://1.7.22\",\"architecture\":\"amd64\","
                + "\"operatingSystem\":\"linux\",\"kernelVersion\":\"6.8.0\",\"kubeProxyVersion\":\"\","
                + "\"machineID\":\"m\",\"systemUUID\":\"s\",\"bootID\":\"b\"}}}";
    }

    /** A v1 Pod bound to {@code nodeName} with realistic extra fields (managedFields, containers, conditions). */
    public static String pod(String namespace, String name, String nodeName, String phase, String resourceVersion) {
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\""
                + namespace + "\",\"uid\":\"" + java.util.UUID.nameUUIDFromBytes((namespace + "/" + name)
                        .getBytes(StandardCharsets.UTF_8))
                + "\",\"resourceVersion\":\"" + resourceVersion + "\",\"creationTimestamp\":\"2026-11-21T10:00:00Z\","
                + "\"labels\":{\"app\":\"" + name.replaceAll("-[0-9a-z]+$", "") + "\",\"pod-template-hash\":"
                + "\"7d9f8b6c5\",\"team\":\"payments\"},"
                + "\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-11-20T09:00:00Z\"},"
                + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs-" + name
                + "\",\"uid\":\"0b1f4c2a-0000-4000-8000-000000000001\",\"controller\":true,"
                + "\"blockOwnerDeletion\":true}],"
                + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\","
                + "\"apiVersion\":\"v1\",\"time\":\"2026-11-21T10:00:00Z\",\"fieldsType\":\"FieldsV1\","
                + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":"
                + "{\"f:containers\":{\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:image\":{}}}}}}]},"
                + "\"spec\":{\"nodeName\":\"" + nodeName + "\",\"serviceAccountName\":\"default\","
                + "\"containers\":[{\"name\":\"app\",\"image\":\"registry.example/app:1.4.2\","
                + "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},\"limits\":{\"memory\":"
                + "\"256Mi\"}},\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
                + "\"env\":[{\"name\":\"LOG_LEVEL\",\"value\":\"info\"}],"
                + "\"volumeMounts\":[{\"name\":\"kube-api-access\",\"mountPath\":"
                + "\"/var/run/secrets/kubernetes.io/serviceaccount\",\"readOnly\":true}]}],"
                + "\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\","
                + "\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]},"
                + "\"status\":{\"phase\":\"" + phase + "\",\"podIP\":\"10.244.1.7\",\"hostIP\":\"10.0.0.5\","
                + "\"startTime\":\"2026-11-21T10:00:01Z\",\"qosClass\":\"Burstable\","
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":"
                + "\"2026-11-21T10:00:05Z\"}],\"containerStatuses\":[{\"name\":\"app\",\"ready\":true,"
                + "\"restartCount\":0,\"image\":\"registry.example/app:1.4.2\",\"imageID\":\"sha256:ab12\","
                + "\"containerID\":\"containerd://cd34\",\"started\":true,\"state\":{\"running\":"
                + "{\"startedAt\":\"2026-11-21T10:00:04Z\"}}}]}}";
    }
}
