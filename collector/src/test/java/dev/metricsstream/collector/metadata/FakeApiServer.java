package dev.metricsstream.collector.metadata;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;

/**
 * A kube-apiserver double for the pod list/watch and the Node GET, on a real loopback socket, speaking the
 * apiserver's wire format: PodList with resourceVersion, a watch stream of one JSON event per line, and a 410 Gone
 * Status event that makes the client relist.
 */
public final class FakeApiServer implements AutoCloseable {
    private final HttpServer server;
    private final BlockingQueue<String> lists = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<Object>> watches = new LinkedBlockingQueue<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile String lastList;
    private volatile String node;

    public FakeApiServer() throws IOException {
        this(null);
    }

    /** Over HTTPS with the given server context when not null (a serving certificate for 127.0.0.1). */
    public FakeApiServer(SSLContext tls) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(loopback, 0);
        } else {
            HttpsServer https = HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-apiserver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/api/v1/pods", this::pods);
        server.createContext("/api/v1/nodes/", this::node);
        server.start();
    }

    public URI url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The Authorization header of every request, in order (null when absent). */
    public List<String> authorizations() {
        return authorizations;
    }

    /** The next list answer (a PodList JSON); the last one is repeated when none is queued. */
    public void enqueueList(String podList) {
        lists.add(podList);
    }

    /**
     * The next watch: each element is an event line (String), or a CountDownLatch to wait on before going on; the
     * stream stays open after the last element unless that element is an ERROR event line.
     */
    void enqueueWatch(Object... steps) {
        watches.add(List.of(steps));
    }

    void node(String nodeJson) {
        this.node = nodeJson;
    }

    public List<String> requests() {
        return requests;
    }

    public long listCount() {
        return requests.stream().filter(r -> r.startsWith("/api/v1/pods") && !r.contains("watch=true")).count();
    }

    private void pods(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String request = exchange.getRequestURI().getPath() + "?" + java.net.URLDecoder.decode(
                query == null ? "" : query, StandardCharsets.UTF_8);
        requests.add(request);
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        try (exchange) {
            if (request.contains("watch=true")) {
                watch(exchange);
            } else {
                String list = lists.poll();
                list = list == null ? lastList : list;
                lastList = list;
                respond(exchange, 200, list);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // client went away
        }
    }

    private void watch(HttpExchange exchange) throws IOException, InterruptedException {
        List<Object> steps = watches.poll();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        boolean endsWithError = false;
        if (steps != null) {
            for (Object step : steps) {
                if (step instanceof CountDownLatch latch) {
                    latch.await();
                } else {
                    String line = (String) step;
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    endsWithError = line.contains("\"ERROR\"");
                }
            }
        }
        if (!endsWithError) {
            closing.await(); // an idle watch stays open, as the apiserver's does until timeoutSeconds
        }
    }

    private void node(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestURI().getPath());
        try (exchange) {
            if (node == null) {
                respond(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                        + "\"reason\":\"NotFound\",\"code\":404}");
            } else {
                respond(exchange, 200, node);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
