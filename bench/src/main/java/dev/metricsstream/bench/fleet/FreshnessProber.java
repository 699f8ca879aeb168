package dev.metricsstream.bench.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * End-to-end freshness: for a few probed nodes, after the generator produced a new sample (sample time = production
 * wall-clock time), polls {@code GET /apis/metrics.k8s.io/v1beta1/nodes/<node>} every 50 ms until the served
 * timestamp (whole seconds, as metav1.Time) is that sample's; freshness = now − production time. A sample not seen
 * within 60 s counts as missed. Only polls nodes with a pending sample, so it adds little load.
 */
public final class FreshnessProber implements AutoCloseable {
    private static final long POLL_MILLIS = 50;
    private static final long GIVE_UP_MILLIS = 60_000;

    private final FleetGenerator generator;
    private final List<String> nodes;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final LatencyRecorder freshness;
    private final Map<String, Long> lastSeenSample = new HashMap<>();
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean running = true;
    private final Thread thread;

    public FreshnessProber(FleetGenerator generator, List<String> nodes, String baseUrl, LatencyRecorder freshness) {
        this.generator = generator;
        this.nodes = nodes;
        this.baseUrl = baseUrl;
        this.freshness = freshness;
        thread = new Thread(this::run, "freshness-prober");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public void measuring(boolean on) {
        measuring = on;
        freshness.measuring(on);
    }

    public long missed() {
        return missed.get();
    }

    public long polls() {
        return polls.get();
    }

    private void run() {
        while (running) {
            long now = System.currentTimeMillis();
            for (String node : nodes) {
                long seen = lastSeenSample.getOrDefault(node, 0L);
                Long pending = null;
                for (Long sample : generator.samplesOf(node)) {
                    if (sample > seen) {
                        if (now - sample > GIVE_UP_MILLIS) {
                            if (measuring) {
                                missed.incrementAndGet();
                            }
                            lastSeenSample.put(node, sample);
                            seen = sample;
                        } else {
                            pending = pending == null ? sample : pending;
                        }
                    }
                }
                if (pending != null) {
                    probe(node, seen);
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe(String node, long seen) {
        try {
            polls.incrementAndGet();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(baseUrl + "/apis/metrics.k8s.io/v1beta1/nodes/" + node))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            long now = System.currentTimeMillis();
            if (response.statusCode() != 200) {
                return; // 404 until the node's second scrape gives a rate
            }
            long servedSecond = servedTimestampMillis(response.body()) / 1000;
            long newest = -1;
            for (Long sample : generator.samplesOf(node)) {
                if (sample > seen && sample / 1000 == servedSecond) {
                    newest = sample;
                }
            }
            if (newest > 0) {
                freshness.record((now - newest) * 1000);
                lastSeenSample.put(node, newest);
                // anything older that is still pending was overtaken by a newer sample: not separately visible
            }
        } catch (java.io.IOException e) {
            freshness.error();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    static long servedTimestampMillis(String body) {
        int key = body.indexOf("\"timestamp\"");
        if (key < 0) {
            return -1;
        }
        int start = body.indexOf('"', body.indexOf(':', key) + 1) + 1;
        int end = body.indexOf('"', start);
        return Instant.parse(body.substring(start, end)).toEpochMilli();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
