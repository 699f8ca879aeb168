package dev.metricsstream.bench.footprint;

import dev.metricsstream.collector.metadata.ClusterPodMetadataSource;
import dev.metricsstream.testkit.kube.FakeListWatchServer;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.ClientBuilder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How much heap a cluster-wide pod informer holds for {@code pods} realistic pods (with
 * managedFields, containers, statuses) served by the fake apiserver, with the collector's slimming transform
 * ({@code slim}) or a plain informer ({@code full}).
 * {@code java -cp <bench classpath> dev.metricsstream.bench.footprint.PodInformerMemoryMain slim 15000}
 */
public final class PodInformerMemoryMain {
    private PodInformerMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "slim";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 15_000;
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pods.add(FakeListWatchServer.pod("ns-" + (i % 40), "app-" + (i % 300) + "-" + Integer.toString(i, 36),
                    "node-" + (i / 30), "Running", Integer.toString(1000 + i)));
        }
        try (FakeListWatchServer api = new FakeListWatchServer("/api/v1/pods")) {
            api.list("/api/v1/pods", "PodList", "99999", pods);
            pods.clear();
            ApiClient client = new ClientBuilder().setBasePath(api.url().toString()).setReadTimeout(Duration.ZERO)
                    .build();
            long before = usedAfterGc();
            long start = System.nanoTime();
            AutoCloseable closer;
            if (mode.equals("slim")) {
                ClusterPodMetadataSource source = new ClusterPodMetadataSource(client, node -> null);
                while (!source.hasSynced()) {
                    Thread.onSpinWait();
                }
                closer = source;
            } else {
                CoreV1Api apiV1 = new CoreV1Api(client);
                SharedInformerFactory factory = new SharedInformerFactory(client);
                SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(params -> apiV1
                        .listPodForAllNamespaces().resourceVersion(params.resourceVersion).watch(params.watch)
                        .timeoutSeconds(params.timeoutSeconds).buildCall(null), V1Pod.class, V1PodList.class, 0L);
                factory.startAllRegisteredInformers();
                while (!informer.hasSynced()) {
                    Thread.onSpinWait();
                }
                closer = () -> factory.stopAllRegisteredInformers(true);
            }
            long syncMillis = (System.nanoTime() - start) / 1_000_000;
            long after = usedAfterGc();
            System.out.printf("%s informer, %d pods: +%.1f MiB heap (%.0f bytes/pod), synced in %d ms%n", mode, count,
                    (after - before) / 1048576.0, (after - before) / (double) count, syncMillis);
            if (args.length > 2 && args[2].equals("hold")) {
                Thread.sleep(Long.MAX_VALUE); // inspect with jcmd <pid> GC.class_histogram
            }
            closer.close();
        }
        System.exit(0);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
