package dev.metricsstream.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.testkit.kubelet.PodPhase;
import dev.metricsstream.testkit.kubelet.SimPod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics-stream up} as a user runs it, in-process: the embedded broker in a work dir, the simulator's default
 * fleet, the real clock at the minimum resolution, and the real kubectl with the kubeconfig it writes.
 */
class StandaloneIT {
    static final Duration FIRST_ROWS_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void a_started_pipeline_serves_kubectl_top_with_non_zero_cpu_and_a_second_start_reuses_its_data()
            throws Exception {
        Path work = tmp.resolve("work");
        String[] args = {"--work-dir", work.toString(), "--https-port", Integer.toString(Standalone.freePort()),
                "--http-port", Integer.toString(Standalone.freePort()), "--resolution", "10s"};
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        String clusterId;
        long podMetricsEndOffset;
        StandaloneMain.Launch first = StandaloneMain.launch(args, new PrintStream(console, true,
                StandardCharsets.UTF_8), System.err, Duration.ofSeconds(60));
        assertNotNull(first.running(), "started: " + console.toString(StandardCharsets.UTF_8));
        try (Standalone running = first.running()) {
            Path kubeconfig = work.resolve("kubeconfig");
            String printed = console.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("kubectl --kubeconfig " + kubeconfig + " top pod -A"), printed);
            assertTrue(printed.contains("authentication OFF"), printed);
            assertTrue(printed.contains("broker up") && printed.contains("new storage"), printed);
            Map<String, Long> truth = new HashMap<>();
            running.simulator().nodes().forEach(n -> n.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING)
                    .forEach((SimPod p) -> truth.put(p.namespace() + "/" + p.name(), p.trueCpuNanocores())));
            assertEquals(60, truth.size() + notRunning(running), "default fleet 3 × 20");

            AtomicReference<Map<String, Long>> rows = new AtomicReference<>(Map.of());
            await().atMost(FIRST_ROWS_DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Kubectl.Result result = Kubectl.run(kubeconfig, tmp, "top", "pod", "-A");
                if (result.exitCode() != 0) {
                    return false; // "metrics not available yet" until the first rates
                }
                rows.set(result.rows().stream().skip(1).collect(Collectors.toMap(r -> r.get(0) + "/" + r.get(1),
                        r -> Long.parseLong(r.get(2).replace("m", "")))));
                return rows.get().keySet().equals(truth.keySet());
            });
            Set<String> zeroButBusy = new TreeSet<>();
            rows.get().forEach((pod, millicores) -> {
                if (millicores == 0 && truth.get(pod) >= 2_000_000) {
                    zeroButBusy.add(pod + " true " + truth.get(pod) + " n");
                }
            });
            assertEquals(Set.of(), zeroButBusy, "pods using CPU printed as 0m");
            assertTrue(rows.get().values().stream().filter(m -> m > 0).count() >= truth.size() / 2,
                    "most simulated pods show non-zero CPU: " + rows.get());

            // no kube-apiserver here, yet top node prints every simulated node with percentages of its allocatable
            AtomicReference<Kubectl.Result> nodes = new AtomicReference<>();
            await().atMost(FIRST_ROWS_DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                nodes.set(Kubectl.run(kubeconfig, tmp, "top", "node"));
                return nodes.get().exitCode() == 0 && nodes.get().rows().size() == 1 + running.simulator().nodes().size();
            });
            for (List<String> row : nodes.get().rows().subList(1, nodes.get().rows().size())) {
                assertEquals(5, row.size(), "name, CPU, CPU %, memory, memory %: " + nodes.get().stdout());
                assertTrue(row.get(2).matches("\\d+%") && row.get(4).matches("\\d+%"), nodes.get().stdout());
            }
            // simulated kubelets are scraped for /stats/summary too: a node's network rate is served
            String node = running.simulator().nodes().get(0).name();
            AtomicReference<Kubectl.Result> network = new AtomicReference<>();
            await().atMost(FIRST_ROWS_DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                network.set(Kubectl.run(kubeconfig, tmp, "get", "--raw",
                        "/apis/custom.metrics.k8s.io/v1beta2/nodes/" + node + "/network_receive_bytes_per_second"));
                return network.get().exitCode() == 0;
            });
            assertTrue(network.get().stdout().contains("\"name\":\"" + node + "\""), network.get().stdout());
            // an empty result is reported as on a cluster, not as "Error from server (NotFound)"
            Kubectl.Result empty = Kubectl.run(kubeconfig, tmp, "top", "pod", "-n", "nothing-here");
            assertEquals(0, empty.exitCode(), empty.stderr());
            assertEquals("No resources found in nothing-here namespace.", empty.stderr().trim());

            clusterId = running.clusterId();
            podMetricsEndOffset = endOffset(running.bootstrapServers(), "pod-metrics");
            assertTrue(podMetricsEndOffset >= truth.size(), "pod-metrics holds the published values");
        }

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        StandaloneMain.Launch second = StandaloneMain.launch(args, new PrintStream(again, true,
                StandardCharsets.UTF_8), System.err, Duration.ofSeconds(1));
        assertNotNull(second.running(), "restarted: " + again.toString(StandardCharsets.UTF_8));
        try (Standalone running = second.running()) {
            assertEquals(clusterId, running.clusterId(), "the same broker storage, not a fresh format");
            assertTrue(again.toString(StandardCharsets.UTF_8).contains("data reused from " + work.resolve("kafka")),
                    again.toString(StandardCharsets.UTF_8));
            assertTrue(endOffset(running.bootstrapServers(), "pod-metrics") >= podMetricsEndOffset,
                    "the topic data of the first run is still there");
        }
    }

    @Test
    void a_bad_flag_exits_non_zero_with_one_line_and_no_stack_trace() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        StandaloneMain.Launch launch = StandaloneMain.launch(new String[] {"--nodes", "many", "--bogus"},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(1));

        assertEquals(StandaloneMain.EXIT_USAGE, launch.exitCode());
        assertNull(launch.running());
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("metrics-stream: ") && lines.get(0).contains("--nodes must be a number")
                && lines.get(0).contains("unknown flag --bogus"), lines.get(0));
        assertFalse(lines.get(0).contains("Exception"), lines.get(0));
    }

    @Test
    void a_port_in_use_exits_non_zero_with_one_line_naming_the_port() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            StandaloneMain.Launch launch = StandaloneMain.launch(new String[] {"--work-dir",
                    tmp.resolve("w").toString(), "--https-port", Integer.toString(port), "--http-port", "0"},
                    System.out, new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(1));

            assertEquals(StandaloneMain.EXIT_USAGE, launch.exitCode());
            assertNull(launch.running());
            List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(1, lines.size(), lines.toString());
            assertEquals("metrics-stream: port " + port + " (--https-port) is already in use; stop what uses it or "
                    + "choose another with --https-port", lines.get(0));
        }
    }

    @Test
    void the_script_prints_its_help_and_rejects_an_unknown_command() throws Exception {
        Path script = Path.of("..", "bin", "metrics-stream").toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(script), script + " is executable");

        Process help = new ProcessBuilder(script.toString(), "help").redirectErrorStream(true).start();
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, help.exitValue(), helpText);
        assertTrue(helpText.contains("up [flags]") && helpText.contains("bench [flags]"), helpText);

        Process bad = new ProcessBuilder(script.toString(), "frobnicate").start();
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        String err = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.exitValue());
        assertEquals(List.of("metrics-stream: unknown command 'frobnicate' (up, bench, help)"), err.lines().toList());
    }

    private static long notRunning(Standalone running) {
        return running.simulator().nodes().stream().flatMap(n -> n.pods().stream())
                .filter(p -> p.phase() != PodPhase.RUNNING).count();
    }

    private static long endOffset(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
        }
    }
}
