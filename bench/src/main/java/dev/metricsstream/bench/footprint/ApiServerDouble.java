package dev.metricsstream.bench.footprint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.kubelet.SimPod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A kube-apiserver double for a pool replica, on loopback, in the apiserver's wire format: {@code NodeList} of the
 * simulated kubelets (InternalIP + kubelet port in {@code daemonEndpoints}) and {@code PodList} of their pods, each
 * in one page (as an apiserver answering from its watch cache), and watches that stay open and quiet.
 */
final class ApiServerDouble implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final byte[] nodes;
    private final byte[] pods;
    private final CountDownLatch closing = new CountDownLatch(1);

    ApiServerDouble(List<SimNode> fleet) throws IOException {
        List<Object> nodeItems = new ArrayList<>();
        List<Object> podItems = new ArrayList<>();
        for (SimNode node : fleet) {
            String ip = URI.create(node.baseUrl()).getHost();
            nodeItems.add(Map.of("kind", "Node", "apiVersion", "v1",
                    "metadata", Map.of("name", node.name(), "uid", "uid-" + node.name(), "resourceVersion", "5",
                            "labels", node.labels()),
                    "status", Map.of("addresses", List.of(Map.of("type", "InternalIP", "address", ip)),
                            "daemonEndpoints", Map.of("kubeletEndpoint", Map.of("Port", node.port())),
                            "capacity", node.capacity(), "allocatable", node.allocatable(),
                            "conditions", List.of(Map.of("type", "Ready", "status", "True")))));
            for (SimPod pod : node.pods()) {
                podItems.add(JSON.readTree(pod.apiObjectJson()));
            }
        }
        nodes = list("NodeList", nodeItems);
        pods = list("PodList", podItems);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "apiserver-double");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/api/v1/nodes", exchange -> answer(exchange, nodes));
        server.createContext("/api/v1/pods", exchange -> answer(exchange, pods));
        server.start();
    }

    private static byte[] list(String kind, List<Object> items) {
        try {
            return JSON.writeValueAsBytes(Map.of("kind", kind, "apiVersion", "v1",
                    "metadata", Map.of("resourceVersion", "10"), "items", items));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void answer(HttpExchange exchange, byte[] list) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null && query.contains("watch=true")) {
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().flush();
                closing.await(); // a quiet watch, open until the end of the run
            } else {
                exchange.sendResponseHeaders(200, list.length);
                exchange.getResponseBody().write(list);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
