package dev.metricsstream.bench.history;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.bench.fleet.Machine;
import dev.metricsstream.bench.process.ResultFile;
import dev.metricsstream.common.config.Durations;
import dev.metricsstream.gateway.history.HistoryRetention;
import dev.metricsstream.gateway.history.WindowHistory;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway's window history costs on the heap when every entity's rings are full: fills a
 * {@link WindowHistory} with {@code pods} pods (in {@code namespaces} namespaces) and {@code nodes} nodes, each with
 * every window {@code HISTORY_WINDOWS} keeps, then measures the retained heap (used heap after full GCs, minus the
 * same before filling) and how long one {@code accept} takes on average. Writes JSON to {@code bench/results/}.
 *
 * <pre>
 * java -Xmx6g -cp … dev.metricsstream.bench.history.HistoryFootprintMain [pods] [nodes] [HISTORY_WINDOWS]
 * </pre>
 */
public final class HistoryFootprintMain {
    private HistoryFootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 150_000;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        String retentionText = args.length > 2 ? args[2] : HistoryRetention.DEFAULT;
        int namespaces = 500;
        HistoryRetention retention = HistoryRetention.parse(retentionText, Durations::parse);

        long before = retainedHeapBytes();
        WindowHistory history = new WindowHistory(retention);
        MetricsWindow w = MetricsWindow.newBuilder().setEntityKind(EntityKind.POD).setEntity("x/y").setNodeName("n")
                .setLabels(Map.of()).setWindowSizeMillis(60_000).setWindowStartMillis(0).setWindowEndMillis(60_000)
                .setCount(4).setCpuCoresAvg(0).setCpuCoresMin(0).setCpuCoresMax(0).setCpuCoresP50(0)
                .setCpuCoresP95(0).setCpuCoresP99(0).setMemoryBytesAvg(0).setMemoryBytesMin(0).setMemoryBytesMax(0)
                .setMemoryBytesP50(0).setMemoryBytesP95(0).setMemoryBytesP99(0).build();
        long now = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        long accepted = 0;
        long startNanos = System.nanoTime();
        // oldest first, all entities per window start: the order the topics deliver them in
        for (HistoryRetention.Size size : retention.sizes()) {
            long sizeMillis = size.windowMillis();
            long first = now - size.windows() * sizeMillis;
            for (int i = 0; i < size.windows(); i++) {
                long start = first + i * sizeMillis;
                w.setWindowSizeMillis(sizeMillis);
                w.setWindowStartMillis(start);
                w.setWindowEndMillis(start + sizeMillis);
                for (int p = 0; p < pods + nodes; p++) {
                    boolean node = p >= pods;
                    w.setEntityKind(node ? EntityKind.NODE : EntityKind.POD);
                    w.setEntity(node ? "node-" + (p - pods) : "ns-" + (p % namespaces) + "/pod-" + p);
                    w.setCpuCoresAvg(0.001 * (p % 997) + i * 1e-6);
                    w.setCpuCoresMax(0.002 * (p % 997));
                    w.setCpuCoresP95(0.0015 * (p % 997));
                    w.setMemoryBytesAvg(64.0 * 1024 * 1024 + p);
                    w.setMemoryBytesMax(128L * 1024 * 1024);
                    w.setMemoryBytesP95(100L * 1024 * 1024);
                    history.accept(w);
                    accepted++;
                }
            }
        }
        long fillNanos = System.nanoTime() - startNanos;
        long after = retainedHeapBytes();
        long windows = history.windowCount();
        long retained = after - before;

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "history-footprint");
        result.put("time", Instant.now().toString());
        result.put("machine", Machine.describe());
        result.put("loadAverage", Machine.loadAverage());
        result.put("historyWindows", retentionText);
        result.put("windowsPerEntity", retention.windowsPerEntity());
        result.put("pods", pods);
        result.put("nodes", nodes);
        result.put("namespaces", namespaces);
        result.put("windowsHeld", windows);
        result.put("retainedHeapBytes", retained);
        result.put("retainedHeapMiB", Math.round(retained / 1048576.0));
        result.put("bytesPerWindow", Math.round(retained * 10.0 / windows) / 10.0);
        result.put("bytesPerEntity", Math.round(retained / (double) (pods + nodes)));
        result.put("payloadBytesPerWindow", 28);
        result.put("acceptNanosAvg", Math.round(fillNanos / (double) accepted));
        result.put("acceptedWindows", accepted);
        result.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        result.put("jvm", List.of(System.getProperty("java.vm.name"), System.getProperty("java.version")));
        System.out.println(ResultFile.json(result));
        Path file = ResultFile.write(Path.of(System.getProperty("bench.results", "bench/results")),
                "history-footprint-" + pods + "pods", result);
        System.out.println("written " + file);
        if (history.podCount() != pods || history.nodeCount() != nodes) {
            throw new IllegalStateException("entities lost: " + history.podCount() + " pods, " + history.nodeCount()
                    + " nodes");
        }
    }

    private static long retainedHeapBytes() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200); // let the collector settle between full GCs (a measurement, not a test)
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
