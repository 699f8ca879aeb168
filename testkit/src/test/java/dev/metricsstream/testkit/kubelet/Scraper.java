package dev.metricsstream.testkit.kubelet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real JDK HttpClient pointed at the simulator, trusting its CA and sending its token. */
final class Scraper {

    private final HttpClient client;
    private final String token;

    Scraper(KubeletSimulator sim) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (sim.tls()) {
            builder.sslContext(sim.clientSslContext());
        }
        this.client = builder.build();
        this.token = sim.token();
    }

    HttpResponse<String> get(SimNode node, String path) {
        return get(node.uri(path));
    }

    HttpResponse<String> get(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String body(SimNode node, String path) {
        HttpResponse<String> response = get(node, path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
