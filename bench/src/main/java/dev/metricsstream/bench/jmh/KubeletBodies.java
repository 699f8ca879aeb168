package dev.metricsstream.bench.jmh;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.parse.ResourceMetricsDecoder;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.kubelet.SimNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The response bodies of one simulated node (the testkit's kubelet simulator, which writes the real kubelet formats),
 * fetched once over loopback: {@code /metrics/resource} and {@code /stats/summary} at two sample times 15 s apart.
 */
public record KubeletBodies(byte[] resource1, byte[] summary1, byte[] resource2, byte[] summary2, String nodeName,
                            long time1Millis, long time2Millis) {

    public static KubeletBodies fetch(int pods) {
        SimClock clock = SimClock.at(Instant.parse("2026-11-21T12:00:00Z"));
        try (KubeletSimulator sim = KubeletSimulator.builder().nodes(1).podsPerNode(pods).tls(false).clock(clock)
                .samplePeriod(Duration.ofSeconds(1)).build().start()) {
            SimNode node = sim.nodes().get(0);
            HttpClient http = HttpClient.newHttpClient();
            long t1 = clock.millis();
            byte[] r1 = get(http, node, "/metrics/resource");
            byte[] s1 = get(http, node, "/stats/summary");
            clock.advance(Duration.ofSeconds(15));
            long t2 = clock.millis();
            byte[] r2 = get(http, node, "/metrics/resource");
            byte[] s2 = get(http, node, "/stats/summary");
            return new KubeletBodies(r1, s1, r2, s2, node.name(), t1, t2);
        }
    }

    /** The two {@code /metrics/resource} bodies decoded as the collector does: the earlier and the later scrape. */
    public NodeScrape[] resourceScrapes() {
        ResourceMetricsDecoder decoder = new ResourceMetricsDecoder();
        try {
            return new NodeScrape[] {
                decoder.decode(new ByteArrayInputStream(resource1), nodeName, time1Millis).scrape(),
                decoder.decode(new ByteArrayInputStream(resource2), nodeName, time2Millis).scrape()};
        } catch (IOException e) {
            throw new IllegalStateException("decoding the simulator's /metrics/resource: " + e, e);
        }
    }

    private static byte[] get(HttpClient http, SimNode node, String path) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(node.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
