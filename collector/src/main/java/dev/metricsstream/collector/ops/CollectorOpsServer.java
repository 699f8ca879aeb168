package dev.metricsstream.collector.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.ops.ServiceMain;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's ops port on the JDK's own HTTP server: {@code /metrics} (Prometheus text or OpenMetrics, as
 * asked), {@code /healthz}, {@code /livez}, {@code /readyz}, with the same answers as the other services'
 * Javalin-based {@code OpsServer}. The collector runs once per node, and Javalin (Jetty and Kotlin) cost it ~700
 * loaded classes and ~8 threads for four GET routes that Prometheus and the kubelet call every few seconds; this
 * server is one acceptor thread and one worker. Anything else gets a Kubernetes {@code Status} (404, 405).
 */
public final class CollectorOpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorOpsServer.class);
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    private final HttpServer server;
    private final ExecutorService worker;

    private CollectorOpsServer(HttpServer server, ExecutorService worker) {
        this.server = server;
        this.worker = worker;
    }

    /**
     * Starts on {@code host:port}; port 0 picks a free one (see {@link #port()}). A port already taken is a
     * {@link ServiceMain.CannotStart} ({@code port_in_use}): the user can fix it.
     */
    public static CollectorOpsServer start(String host, int port, PrometheusRegistry registry, Health health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            throw new ServiceMain.CannotStart("port_in_use", "the ops port " + host + ":" + port + " is taken ("
                    + e.getMessage() + "); set OPS_PORT to a free port, or -1 for none");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ops port " + host + ":" + port, e);
        }
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(worker);
        server.createContext("/", exchange -> handle(exchange, registry, health));
        server.start();
        return new CollectorOpsServer(server, worker);
    }

    private static void handle(HttpExchange exchange, PrometheusRegistry registry, Health health) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/livez")
                    || path.equals("/readyz");
            if (!known) {
                status(exchange, 404, "NotFound", "the ops port serves /metrics, /healthz, /livez and /readyz");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                status(exchange, 405, "MethodNotAllowed", exchange.getRequestMethod() + " " + path
                        + " is not allowed; use GET");
                return;
            }
            switch (path) {
                case "/metrics" -> metrics(exchange, registry);
                case "/readyz" -> probe(exchange, health.ready());
                default -> probe(exchange, health.live());
            }
        } catch (IOException | RuntimeException e) {
            LOG.atWarn().addKeyValue("reason", "ops_request_failed").log("ops request failed: {}", e.toString());
        }
    }

    private static void metrics(HttpExchange exchange, PrometheusRegistry registry) throws IOException {
        ExpositionFormatWriter writer = FORMATS.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape());
        exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
        send(exchange, 200, body.toByteArray());
    }

    /** Like the apiserver: the short answer unless {@code ?verbose} is given, the per-check lines when failing. */
    private static void probe(HttpExchange exchange, Health.Report report) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        boolean verbose = query != null && (query.equals("verbose") || query.startsWith("verbose=")
                || query.contains("&verbose"));
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, report.ok() ? 200 : 503,
                (report.ok() && !verbose ? "ok" : report.body()).getBytes(StandardCharsets.UTF_8));
    }

    private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        String json = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"reason\":\""
                + reason + "\",\"code\":" + code + "}";
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, code, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
