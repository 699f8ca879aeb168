package dev.metricsstream.testkit.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) listener of one simulated kubelet (JDK {@code com.sun.net.httpserver}, real loopback socket). Routes
 * like the kubelet's port 10250 server: every path needs the bearer token when one is configured (401
 * {@code Unauthorized} otherwise), unknown paths get Go's {@code 404 page not found}.
 */
final class NodeServer {

    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final int GARBAGE_BYTES = 64 * 1024;

    private final SimNode node;
    private final KubeletSimulator sim;
    private final InetAddress bindAddress;
    private final TlsMaterial tls;
    private final ExecutorService executor;
    private HttpServer server;
    private int port;

    NodeServer(SimNode node, KubeletSimulator sim, InetAddress bindAddress, int port, TlsMaterial tls,
            ExecutorService executor) {
        this.node = node;
        this.sim = sim;
        this.bindAddress = bindAddress;
        this.port = port;
        this.tls = tls;
        this.executor = executor;
    }

    /** Binds (the first time to a free port, later to the same port again) and starts answering. */
    synchronized void listen() {
        if (server != null) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        try {
            HttpServer created;
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
                created = https;
            } else {
                created = HttpServer.create(address, 128);
            }
            created.createContext("/", this::handle);
            created.setExecutor(executor);
            created.start();
            server = created;
            port = created.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("node " + node.name() + ": cannot listen on " + address, e);
        }
    }

    /** Closes the listening socket and open connections: new connections are refused. */
    synchronized void stopListening() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        node.wakeUp();
    }

    synchronized int port() {
        return port;
    }

    String baseUrl() {
        String host = bindAddress.isAnyLocalAddress() ? "127.0.0.1" : bindAddress.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (tls != null ? "https" : "http") + "://" + host + ":" + port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            node.countRequest(path);
            drain(exchange.getRequestBody());
            if (!node.awaitNotSilent()) {
                return; // simulator closed while the kubelet hung: drop the connection
            }
            if (!delay()) {
                return;
            }
            if (node.mode() == NodeMode.DOWN) {
                return;
            }
            if (!authorized(exchange)) {
                send(exchange, 401, TEXT, "Unauthorized");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, TEXT, "405: Method Not Allowed");
                return;
            }
            route(exchange, path);
        } catch (IOException | RuntimeException e) {
            LOG.atDebug().addKeyValue("node", node.name()).addKeyValue("reason", e.toString())
                    .log("kubelet simulator request ended early");
        }
    }

    private void route(HttpExchange exchange, String path) throws IOException {
        switch (path) {
            case "/healthz" -> send(exchange, 200, TEXT, "ok");
            case "/metrics/resource" -> metricsResource(exchange);
            case "/stats/summary", "/stats/summary/" -> summary(exchange);
            case "/pods", "/pods/" -> pods(exchange);
            default -> send(exchange, 404, TEXT, "404 page not found\n");
        }
    }

    private void metricsResource(HttpExchange exchange) throws IOException {
        NodeMode mode = node.mode();
        if (mode == NodeMode.HTTP_500) {
            internalError(exchange, "simulated kubelet failure");
            return;
        }
        String body = mode == NodeMode.SCRAPE_ERROR
                ? ResourceMetricsWriter.scrapeError(node.format())
                : ResourceMetricsWriter.write(node.snapshot(), node.format());
        byte[] bytes = malformed(mode, body.getBytes(StandardCharsets.UTF_8), "/metrics/resource");
        String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (acceptEncoding != null && acceptEncoding.contains("gzip")) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            bytes = gzip(bytes);
        }
        send(exchange, 200, ResourceMetricsWriter.CONTENT_TYPE, bytes);
    }

    private void summary(HttpExchange exchange) throws IOException {
        NodeMode mode = node.mode();
        if (mode == NodeMode.HTTP_500) {
            internalError(exchange, "simulated kubelet failure");
            return;
        }
        if (mode == NodeMode.SCRAPE_ERROR) {
            internalError(exchange, "failed to get node info: simulated scrape error");
            return;
        }
        String body = SummaryWriter.write(node.snapshot(), sim.seed());
        byte[] bytes = malformed(mode, body.getBytes(StandardCharsets.UTF_8), "/stats/summary");
        send(exchange, 200, SummaryWriter.CONTENT_TYPE, bytes);
    }

    private void pods(HttpExchange exchange) throws IOException {
        if (node.mode() == NodeMode.HTTP_500) {
            internalError(exchange, "simulated kubelet failure");
            return;
        }
        send(exchange, 200, PodListWriter.CONTENT_TYPE, PodListWriter.write(node));
    }

    private byte[] malformed(NodeMode mode, byte[] body, String path) {
        if (mode == NodeMode.TRUNCATED) {
            return truncate(body);
        }
        if (mode == NodeMode.GARBAGE) {
            return garbage(Mix.of(sim.seed(), node.name() + path));
        }
        return body;
    }

    /** Cuts the body inside a line, about two thirds in. */
    static byte[] truncate(byte[] body) {
        int cut = body.length * 2 / 3;
        while (cut > 1 && (body[cut - 1] == '\n' || body[cut] == '\n')) {
            cut--;
        }
        byte[] out = new byte[Math.max(cut, 0)];
        System.arraycopy(body, 0, out, 0, out.length);
        return out;
    }

    static byte[] garbage(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = new byte[GARBAGE_BYTES];
        for (int i = 0; i < out.length; i++) {
            int r = random.nextInt(100);
            out[i] = (byte) (r < 5 ? '\n' : r < 60 ? 32 + random.nextInt(95) : random.nextInt(256));
        }
        return out;
    }

    private void internalError(HttpExchange exchange, String message) throws IOException {
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        send(exchange, 500, TEXT, "Internal Error: " + message + "\n");
    }

    private boolean authorized(HttpExchange exchange) {
        String token = sim.token();
        if (token == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits the configured response delay (real time); false if the simulator closed meanwhile. */
    private boolean delay() {
        long delayMillis = node.responseDelay().toMillis();
        if (delayMillis <= 0) {
            return true;
        }
        try {
            Thread.sleep(delayMillis);
            return !sim.isClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(buffer)) {
            gz.write(bytes);
        }
        return buffer.toByteArray();
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
