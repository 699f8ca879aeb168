package dev.metricsstream.bench.fleet;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queries against the gateway while the fleet runs: HPA-shaped ({@code namespaces/<ns>/pods?labelSelector=app=X,
 * pod-template-hash=Y}, a deployment's ~20 pods) at a fixed rate, and {@code kubectl top}-shaped ones (all pods, all
 * nodes) at a fixed interval. Latency is measured per shape from send to the last body byte. Beside each HPA query
 * the same client asks {@code /livez} ("httpFloor"): the same server, connection pool and HTTP stack doing no metrics
 * work, so the HPA latency can be read against what any request costs on this machine.
 */
public final class QueryLoad implements AutoCloseable {
    private final String baseUrl;
    private final List<SimulatedFleet.Deployment> deployments;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3, r -> {
        Thread t = new Thread(r, "query-load");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, LatencyRecorder> shapes = new LinkedHashMap<>();
    private final AtomicLong lastTopPodsBytes = new AtomicLong();
    private final SplittableRandom random;

    public QueryLoad(String baseUrl, List<SimulatedFleet.Deployment> deployments, long seed) {
        this.baseUrl = baseUrl;
        this.deployments = deployments;
        this.random = new SplittableRandom(seed);
        shapes.put("hpa", new LatencyRecorder());
        shapes.put("topPods", new LatencyRecorder());
        shapes.put("topNodes", new LatencyRecorder());
        shapes.put("httpFloor", new LatencyRecorder());
    }

    public void start(double hpaPerSecond, Duration topInterval) {
        if (hpaPerSecond > 0) {
            long periodMicros = Math.max(1_000, (long) (1_000_000 / hpaPerSecond));
            scheduler.scheduleAtFixedRate(this::hpa, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        }
        scheduler.scheduleAtFixedRate(() -> timed("topNodes", "/apis/metrics.k8s.io/v1beta1/nodes"),
                1_000, topInterval.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> timed("topPods", "/apis/metrics.k8s.io/v1beta1/pods"),
                1_500, topInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void measuring(boolean on) {
        shapes.values().forEach(s -> s.measuring(on));
    }

    public Map<String, LatencyRecorder> shapes() {
        return shapes;
    }

    public long lastTopPodsBytes() {
        return lastTopPodsBytes.get();
    }

    private void hpa() {
        SimulatedFleet.Deployment d;
        synchronized (random) {
            d = deployments.get(random.nextInt(deployments.size()));
        }
        String selector = URLEncoder.encode("app=" + d.app() + ",pod-template-hash=" + d.hash(),
                StandardCharsets.UTF_8);
        timed("hpa", "/apis/metrics.k8s.io/v1beta1/namespaces/" + d.namespace() + "/pods?labelSelector=" + selector);
        timed("httpFloor", "/livez");
    }

    private void timed(String shape, String path) {
        LatencyRecorder recorder = shapes.get(shape);
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            long micros = (System.nanoTime() - start) / 1000;
            if (response.statusCode() == 200) {
                recorder.record(micros);
                if (shape.equals("topPods")) {
                    lastTopPodsBytes.set(response.body().length);
                }
            } else {
                recorder.error();
            }
        } catch (java.io.IOException e) {
            recorder.error();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
