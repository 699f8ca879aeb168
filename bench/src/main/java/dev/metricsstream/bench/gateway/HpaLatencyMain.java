package dev.metricsstream.bench.gateway;

import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.bench.fleet.LatencyRecorder;
import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.jmh.StoredPods;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayRoutes;
import dev.metricsstream.gateway.GatewayServer;
import dev.metricsstream.gateway.auth.AuthFilter;
import dev.metricsstream.gateway.store.NodeUsageView;
import dev.metricsstream.gateway.store.ViewReader;
import dev.metricsstream.gateway.tls.Serving;
import dev.metricsstream.gateway.tls.TlsMaterial;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.metricsstream.gateway.select.LabelSelector;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The HPA-shaped query against {@code /livez}, back to back, over plain HTTP on loopback with the JDK HttpClient, as
 * the fleet harness asks them, but with the gateway's server in this JVM over a {@link NodeUsageView} filled with
 * 1,000 nodes × 30 pods (37 namespaces, deployments of 20 pods: the JMH view's shape) and auth off. No Kafka, no
 * loader work beside it: what is left is the HTTP path of the metrics API. Phases, in this order:
 * {@code coldLow} (a fresh server at {@code --rate} pairs per second, as the harness queries it), {@code high}
 * (pairs back to back: JIT-compiled, threads awake), {@code warmLow} (at {@code --rate} again after the high phase:
 * compiled code, but every request wakes idle threads), {@code warmLowLivezFirst} (the same with {@code /livez} asked
 * first: whichever request comes first after the idle pays the wake-up of the client's and server's threads).
 * Latency is send to last body byte, per shape; the HPA
 * response bytes of the first query (timestamps cut out) are hashed into the result so that two builds can be compared byte for byte.
 *
 * <pre>
 * java -cp "$CP" dev.metricsstream.bench.gateway.HpaLatencyMain [--label before] [--rate 2] [--low-pairs 60]
 *     [--high-pairs 5000]
 * </pre>
 */
public final class HpaLatencyMain {
    private static final int NODES = 1000;
    private static final int PODS_PER_NODE = 30;
    private static final int NAMESPACES = 37;

    private HpaLatencyMain() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        String label = args.getOrDefault("label", "run");
        double rate = Double.parseDouble(args.getOrDefault("rate", "2"));
        int lowPairs = Integer.parseInt(args.getOrDefault("low-pairs", "60"));
        int highPairs = Integer.parseInt(args.getOrDefault("high-pairs", "5000"));

        List<PodMetrics> pods = StoredPods.generate(NODES * PODS_PER_NODE, NAMESPACES, 7);
        NodeUsageView view = new NodeUsageView();
        for (int n = 0; n < NODES; n++) {
            view.put(NodeUsageView.decode(StoredPods.nodeUsage(String.format(Locale.ROOT, "node-%05d", n),
                    pods.subList(n * PODS_PER_NODE, (n + 1) * PODS_PER_NODE))), 15_000);
        }
        List<String> hpaPaths = new ArrayList<>();
        for (int d = 0; d < NODES * PODS_PER_NODE / 20; d++) {
            PodMetrics pod = pods.get(d * 20);
            String selector = URLEncoder.encode("app=" + pod.getLabels().get("app") + ",pod-template-hash="
                    + pod.getLabels().get("pod-template-hash"), StandardCharsets.UTF_8);
            hpaPaths.add("/apis/metrics.k8s.io/v1beta1/namespaces/" + pod.getNamespace() + "/pods?labelSelector="
                    + selector);
        }
        long now = System.currentTimeMillis();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "hpa-latency");
        result.put("label", label);
        result.put("time", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("loadAverageAtStart", Machine.loadAverage());
        result.put("pods", view.podCount());
        result.put("namespaces", NAMESPACES);
        result.put("ratePairsPerSecond", rate);
        TlsMaterial tls = TlsMaterial.selfSigned("metrics-stream-gateway", "bench");
        try (GatewayServer server = GatewayServer.start(new Serving("127.0.0.1", 0, 0, tls),
                new GatewayRoutes.ApiSettings(GatewayConfig.VERSIONS, Duration.ofSeconds(45)),
                new GatewayRoutes.Collaborators(new ViewReader(view), InstantSource.fixed(Instant.ofEpochMilli(now)),
                        AuthFilter.NONE, new PrometheusRegistry(), new Health()))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + server.httpPort();
            byte[] first = get(http, base + hpaPaths.get(0));
            result.put("hpaFirstResponseBytes", first.length);
            result.put("hpaFirstResponseHash", Integer.toHexString(java.util.Arrays.hashCode(
                    new String(first, StandardCharsets.UTF_8).replaceAll("\"(creationTimestamp|timestamp)\":\"[^\"]*\"", "")
                            .getBytes(StandardCharsets.UTF_8))));
            SplittableRandom random = new SplittableRandom(11);
            RawClient raw = new RawClient(new Socket("127.0.0.1", server.httpPort()));
            Scan scan = deployment -> {
                PodMetrics pod = pods.get(deployment * 20);
                LabelSelector selector = LabelSelector.parse("app=" + pod.getLabels().get("app")
                        + ",pod-template-hash=" + pod.getLabels().get("pod-template-hash"));
                int[] matched = {0};
                view.forEachPod(pod.getNamespace(), p -> {
                    if (selector.matches(p.metrics().getLabels())) {
                        matched[0]++;
                    }
                });
                if (matched[0] == 0) {
                    throw new IllegalStateException("no pod matched");
                }
            };
            Map<String, Object> phases = new LinkedHashMap<>();
            phases.put("coldLow", phase(http, base, hpaPaths, random, lowPairs, rate, false, raw, scan));
            phases.put("high", phase(http, base, hpaPaths, random, highPairs, 0, false, raw, scan));
            phases.put("warmLow", phase(http, base, hpaPaths, random, lowPairs, rate, false, raw, scan));
            phases.put("warmLowLivezFirst", phase(http, base, hpaPaths, random, lowPairs, rate, true, raw, scan));
            result.put("phases", phases);
        }
        result.put("loadAverageAtEnd", Machine.loadAverage());
        System.out.println(ResultFile.json(result));
        Path file = ResultFile.write(Path.of(System.getProperty("bench.results", "bench/results")),
                "hpa-latency-" + label, result);
        System.out.println("written " + file);
    }

    /** {@code pairs} HPA + /livez pairs, paced at {@code rate} pairs per second (0: back to back). */
    private static Map<String, Object> phase(HttpClient http, String base, List<String> hpaPaths,
            SplittableRandom random, int pairs, double rate, boolean livezFirst, RawClient raw, Scan scan)
            throws Exception {
        LatencyRecorder hpa = new LatencyRecorder();
        LatencyRecorder livez = new LatencyRecorder();
        LatencyRecorder hpaRaw = new LatencyRecorder();
        LatencyRecorder livezRaw = new LatencyRecorder();
        LatencyRecorder viewScan = new LatencyRecorder();
        for (LatencyRecorder r : List.of(hpa, livez, hpaRaw, livezRaw, viewScan)) {
            r.measuring(true);
        }
        long periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long next = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
            if (periodNanos > 0) {
                next += periodNanos;
                for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            String hpaPath = hpaPaths.get(random.nextInt(hpaPaths.size()));
            if (livezFirst) {
                timed(http, base + "/livez", livez);
                timed(http, base + hpaPath, hpa);
            } else {
                timed(http, base + hpaPath, hpa);
                timed(http, base + "/livez", livez);
            }
            long start = System.nanoTime();
            raw.get(hpaPaths.get(random.nextInt(hpaPaths.size())));
            hpaRaw.record((System.nanoTime() - start) / 1000);
            start = System.nanoTime();
            raw.get("/livez");
            livezRaw.record((System.nanoTime() - start) / 1000);
            start = System.nanoTime();
            scan.run(random.nextInt(hpaPaths.size()));
            viewScan.record((System.nanoTime() - start) / 1000);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hpa", summary(hpa));
        out.put("livez", summary(livez));
        out.put("hpaRawSocket", summary(hpaRaw));
        out.put("livezRawSocket", summary(livezRaw));
        out.put("viewScanInProcess", summary(viewScan));
        System.out.printf(Locale.ROOT, "pairs %d rate %.1f/s: hpa p50 %.3f ms, livez p50 %.3f ms; raw socket hpa "
                + "%.3f, livez %.3f; view scan %.3f ms%n", pairs, rate, hpa.percentileMillis(50),
                livez.percentileMillis(50), hpaRaw.percentileMillis(50), livezRaw.percentileMillis(50),
                viewScan.percentileMillis(50));
        return out;
    }

    /** The view's share of an HPA query in this JVM: parse the selector, scan the namespace, match labels. */
    private interface Scan {
        void run(int deployment);
    }

    /**
     * HTTP/1.1 over one kept-alive socket, read in the calling thread: no client threads to hand the response
     * between, so what is left is the server and the loopback.
     */
    private static final class RawClient {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        RawClient(Socket socket) throws IOException {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 65536);
        }

        int get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (!status.contains(" 200 ")) {
                throw new IllegalStateException(path + " answered " + status);
            }
            int bytes = 0;
            if (chunked) {
                for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                    bytes += skip(size);
                    line();
                }
                line();
            } else {
                bytes += skip(length);
            }
            return bytes;
        }

        private int skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("closed");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            return (int) n;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    private static Map<String, Object> summary(LatencyRecorder recorder) {
        Map<String, Object> out = recorder.summary();
        out.put("p10Millis", recorder.percentileMillis(10));
        out.put("p90Millis", recorder.percentileMillis(90));
        return out;
    }

    private static void timed(HttpClient http, String url, LatencyRecorder recorder) throws Exception {
        long start = System.nanoTime();
        get(http, url);
        recorder.record((System.nanoTime() - start) / 1000);
    }

    private static byte[] get(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return response.body();
    }
}
