package dev.metricsstream.testkit.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the kubelet simulator as a process, for docker-compose and demos. Settings from the environment:
 * {@code NODES} (default 3), {@code PODS_PER_NODE} (20), {@code BASE_PORT} (10250: node i listens on BASE_PORT + i),
 * {@code TOKEN} (the bearer token the kubelets demand; none when unset), {@code BIND_ADDRESS} (0.0.0.0),
 * {@code CERT_NAMES} (comma-separated extra DNS names for the serving certificate), {@code OUT_DIR} (where
 * {@code ca.crt}, {@code token} and {@code targets} — {@code name=url,...} for the collector's KUBELET_TARGETS, addressed by the first CERT_NAMES
 * entry when given —
 * are written once the kubelets listen; default /tmp/kubelet-sim).
 */
public final class KubeletSimulatorMain {
    /** Every variable this main reads (the compose test checks against it). */
    public static final List<String> KEYS =
            List.of("NODES", "PODS_PER_NODE", "BASE_PORT", "TOKEN", "BIND_ADDRESS", "CERT_NAMES", "OUT_DIR");
    private static final Logger LOG = LoggerFactory.getLogger(KubeletSimulatorMain.class);

    private KubeletSimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KubeletSimulator simulator;
        Path outDir;
        try {
            Map<String, String> env = System.getenv();
            outDir = Path.of(env.getOrDefault("OUT_DIR", "/tmp/kubelet-sim"));
            simulator = start(env);
            String names = env.getOrDefault("CERT_NAMES", "");
            String host = names.isBlank() ? null : names.split(",")[0].trim();
            writeOutputs(simulator, outDir, env.get("TOKEN"), host);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("kubelet simulator: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.atInfo().addKeyValue("nodes", simulator.nodes().size()).addKeyValue("outDir", outDir.toString())
                .log("kubelet simulator: {} nodes listening; CA, token and targets written to {}",
                        simulator.nodes().size(), outDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "kubelet-simulator-shutdown"));
        stopped.await();
    }

    public static KubeletSimulator start(Map<String, String> env) {
        KubeletSimulator.Builder builder = KubeletSimulator.builder()
                .nodes(integer(env, "NODES", 3))
                .podsPerNode(integer(env, "PODS_PER_NODE", 20))
                .basePort(integer(env, "BASE_PORT", 10250))
                .bindAddress(address(env.getOrDefault("BIND_ADDRESS", "0.0.0.0")));
        String token = env.get("TOKEN");
        if (token != null && !token.isBlank()) {
            builder.token(token.trim());
        }
        String names = env.get("CERT_NAMES");
        if (names != null && !names.isBlank()) {
            builder.certificateNames(names.trim().split("\\s*,\\s*"));
        }
        return builder.build().start();
    }

    /** Writes ca.crt, token (when set) and targets; the files appear only once every kubelet listens. */
    public static void writeOutputs(KubeletSimulator simulator, Path outDir, String token, String advertisedHost) {
        try {
            Files.createDirectories(outDir);
            if (token != null && !token.isBlank()) {
                Files.writeString(outDir.resolve("token"), token.trim(), StandardCharsets.UTF_8);
            }
            List<String> targets = new ArrayList<>();
            for (SimNode node : simulator.nodes()) {
                targets.add(node.name() + "=" + (advertisedHost == null ? node.baseUrl()
                        : "https://" + advertisedHost + ":" + node.port()));
            }
            Files.writeString(outDir.resolve("targets"), String.join(",", targets), StandardCharsets.UTF_8);
            simulator.writeCaCertificatePem(outDir.resolve("ca.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, String> env, String key, int defaultValue) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    private static InetAddress address(String value) {
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("BIND_ADDRESS '" + value + "' is not an address");
        }
    }
}
