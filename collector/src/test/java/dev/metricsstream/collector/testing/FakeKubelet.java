package dev.metricsstream.collector.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.metricsstream.testkit.tls.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A minimal HTTPS kubelet double on a loopback socket for transport tests (TLS, token, size cap, timeouts): each
 * path answers a fixed body. The testkit's kubelet simulator covers the realistic fleet behaviour.
 */
public final class FakeKubelet implements AutoCloseable {
    private final HttpsServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile String requiredToken;
    private volatile boolean endless;
    private volatile boolean hang;
    private volatile boolean stallBody;

    public FakeKubelet(TestPki.Issued tls) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-kubelet");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeKubelet respond(String path, String body) {
        bodies.put(path, body.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public FakeKubelet respond(String path, byte[] body) {
        bodies.put(path, body);
        return this;
    }

    public void requireToken(String token) {
        this.requiredToken = token;
    }

    /** Every path then streams an endless body. */
    public void endless() {
        this.endless = true;
    }

    /** Every request then hangs before answering until close. */
    public void hang() {
        this.hang = true;
    }

    /** Every request then gets its headers and the first line, and then nothing more until close. */
    public void stallBody() {
        this.stallBody = true;
    }

    public List<String> authorizations() {
        return authorizations;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            if (hang) {
                release.await();
                return;
            }
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (stallBody) {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("node_cpu_usage_seconds_total 1 1\n".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                release.await();
                return;
            }
            if (endless) {
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = "garbage garbage garbage\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
                OutputStream out = exchange.getResponseBody();
                while (true) {
                    out.write(chunk);
                }
            }
            byte[] body = bodies.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (cancelled or capped): nothing to do
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
