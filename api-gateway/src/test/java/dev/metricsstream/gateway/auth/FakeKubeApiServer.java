package dev.metricsstream.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A kube-apiserver double on a real loopback socket for the three resources the gateway's auth uses, speaking their
 * real JSON: the ConfigMap list (field selector metadata.name) and watch (one event per line, chunked),
 * {@code POST tokenreviews} and {@code POST subjectaccessreviews}. Records every review it was asked.
 */
final class FakeKubeApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NAMESPACE = "kube-system";
    static final String NAME = "extension-apiserver-authentication";

    /** The SAR answer: allowed, and the reason (may be empty). */
    record Answer(boolean allowed, String reason) {
    }

    private final HttpServer server;
    private final AtomicInteger resourceVersion = new AtomicInteger(100);
    private volatile Map<String, String> configMapData;
    private final List<BlockingQueue<String>> watchers = new CopyOnWriteArrayList<>();
    final List<JsonNode> tokenReviews = new CopyOnWriteArrayList<>();
    final List<JsonNode> accessReviews = new CopyOnWriteArrayList<>();
    final AtomicInteger configMapWatches = new AtomicInteger();
    private final Map<String, JsonNode> tokens = new ConcurrentHashMap<>();
    private volatile Function<JsonNode, Answer> policy = spec -> new Answer(true, "");
    private volatile boolean closed;

    FakeKubeApiServer(Map<String, String> configMapData) throws IOException {
        this.configMapData = Map.copyOf(configMapData);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-kube-apiserver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/api/v1/namespaces/" + NAMESPACE + "/configmaps", this::configMaps);
        server.createContext("/apis/authentication.k8s.io/v1/tokenreviews", this::tokenReview);
        server.createContext("/apis/authorization.k8s.io/v1/subjectaccessreviews", this::accessReview);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A token the TokenReview authenticates as this user. */
    void addToken(String token, String user, String uid, List<String> groups) {
        ObjectNode info = JSON.createObjectNode().put("username", user).put("uid", uid);
        groups.forEach(info.putArray("groups")::add);
        tokens.put(token, info);
    }

    /** Decides SARs from their spec. */
    void policy(Function<JsonNode, Answer> policy) {
        this.policy = policy;
    }

    /** Replaces the ConfigMap's data and tells every open watch (a MODIFIED event). */
    void updateConfigMap(Map<String, String> data) throws IOException {
        configMapData = Map.copyOf(data);
        int rv = resourceVersion.incrementAndGet();
        String event = JSON.writeValueAsString(Map.of("type", "MODIFIED", "object", configMap(rv))) + "\n";
        watchers.forEach(queue -> queue.add(event));
    }

    private Map<String, Object> configMap(int rv) {
        return Map.of("kind", "ConfigMap", "apiVersion", "v1",
                "metadata", Map.of("name", NAME, "namespace", NAMESPACE, "resourceVersion", String.valueOf(rv),
                        "uid", "0b7c2a5e-1d3f-4c8e-9a52-2f9e3c6d7a10"),
                "data", configMapData);
    }

    private void configMaps(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        if (query == null || !query.contains("fieldSelector=metadata.name%3D" + NAME)
                && !query.contains("fieldSelector=metadata.name=" + NAME)) {
            send(exchange, 400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"expected a metadata.name field selector\",\"reason\":\"BadRequest\",\"code\":400}");
            return;
        }
        if (query.contains("watch=true")) {
            watch(exchange);
            return;
        }
        int rv = resourceVersion.get();
        send(exchange, 200, JSON.writeValueAsString(Map.of("kind", "ConfigMapList", "apiVersion", "v1",
                "metadata", Map.of("resourceVersion", String.valueOf(rv)), "items", List.of(configMap(rv)))));
    }

    private void watch(HttpExchange exchange) throws IOException {
        configMapWatches.incrementAndGet();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        watchers.add(events);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.flush();
            while (!closed) {
                String event = events.poll(50, TimeUnit.MILLISECONDS);
                if (event != null) {
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            watchers.remove(events);
        }
    }

    private void tokenReview(HttpExchange exchange) throws IOException {
        JsonNode review = JSON.readTree(exchange.getRequestBody());
        tokenReviews.add(review);
        ObjectNode answer = JSON.createObjectNode().put("kind", "TokenReview")
                .put("apiVersion", "authentication.k8s.io/v1");
        answer.putObject("metadata");
        answer.set("spec", review.path("spec"));
        ObjectNode status = answer.putObject("status");
        JsonNode user = tokens.get(review.path("spec").path("token").asText());
        if (user != null) {
            status.put("authenticated", true).set("user", user);
        } else {
            status.putObject("user");
            status.put("error", "[invalid bearer token, token lookup failed]");
        }
        send(exchange, 201, JSON.writeValueAsString(answer));
    }

    private void accessReview(HttpExchange exchange) throws IOException {
        JsonNode review = JSON.readTree(exchange.getRequestBody());
        accessReviews.add(review);
        Answer decision = policy.apply(review.path("spec"));
        ObjectNode answer = JSON.createObjectNode().put("kind", "SubjectAccessReview")
                .put("apiVersion", "authorization.k8s.io/v1");
        answer.putObject("metadata");
        answer.set("spec", review.path("spec"));
        ObjectNode status = answer.putObject("status").put("allowed", decision.allowed());
        if (!decision.reason().isEmpty()) {
            status.put("reason", decision.reason());
        }
        send(exchange, 201, JSON.writeValueAsString(answer));
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
