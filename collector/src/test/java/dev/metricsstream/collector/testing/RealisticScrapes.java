package dev.metricsstream.collector.testing;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** A full-size NodeScrape (110 pods, every optional field set, as with KUBELET_SOURCE=both) for size measurements. */
public final class RealisticScrapes {
    private static final String[] NAMESPACES = {"kube-system", "monitoring", "payments", "checkout", "search",
        "ingress-nginx", "cert-manager", "default"};
    private static final String[] APPS = {"api", "worker", "frontend", "redis", "postgres", "coredns", "kube-proxy",
        "fluent-bit", "node-exporter", "envoy", "istio-proxy", "grafana", "prometheus", "cart", "ledger"};

    private RealisticScrapes() {
    }

    public static NodeScrape node(String nodeName, int pods, long timeMillis, long seed) {
        Random random = new Random(seed);
        NodeScrape scrape = new NodeScrape();
        scrape.setNodeName(nodeName);
        scrape.setScrapeTimeMillis(timeMillis);
        scrape.setSource(ScrapeSource.METRICS_RESOURCE_AND_STATS_SUMMARY);
        NodeSample node = new NodeSample(timeMillis - 86_400_000L, 5_716_152_579_000L + random.nextInt(1_000_000),
                timeMillis - 1_200, 2_642_427_904L, timeMillis - 1_200, 1_900_000_000L, 3_100_000_000L,
                13_000_000_000L, 772_921_510L, 13_888_023L, 86_016_000_000L, 977_896_124_416L, 0L, timeMillis - 1_500);
        scrape.setNode(node);
        List<PodSample> list = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            String namespace = NAMESPACES[random.nextInt(NAMESPACES.length)];
            String app = APPS[random.nextInt(APPS.length)];
            String hash = String.format("%010x", random.nextLong() & 0xffffffffffL);
            String name = app + "-" + hash + "-" + Long.toString(random.nextLong() & 0xffffff, 36);
            Map<String, String> labels = new HashMap<>();
            labels.put("app", app);
            labels.put("app.kubernetes.io/name", app);
            labels.put("app.kubernetes.io/part-of", namespace);
            labels.put("pod-template-hash", hash);
            if (random.nextBoolean()) {
                labels.put("version", "v" + random.nextInt(5) + "." + random.nextInt(20) + "." + random.nextInt(9));
            }
            List<ContainerSample> containers = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int c = 0; c < count; c++) {
                long ts = timeMillis - random.nextInt(15_000);
                containers.add(new ContainerSample(c == 0 ? app : "sidecar-" + c,
                        timeMillis - random.nextInt(86_400_000), (long) (random.nextDouble() * 500e9), ts,
                        (long) (random.nextDouble() * 1e9), ts, (long) (random.nextDouble() * 8e8),
                        (long) (random.nextDouble() * 1.2e9), null, (long) random.nextInt(10_000_000),
                        977_896_124_416L, 0L));
            }
            list.add(new PodSample(namespace, name, UUID.nameUUIDFromBytes(name.getBytes()).toString(), "Running",
                    labels, containers, (long) (random.nextDouble() * 1e10), (long) (random.nextDouble() * 1e9),
                    timeMillis - 1_500, timeMillis - 86_400_000L, (long) random.nextInt(100_000_000)));
        }
        list.sort((a, b) -> (a.getNamespace() + "/" + a.getName()).compareTo(b.getNamespace() + "/" + b.getName()));
        scrape.setPods(list);
        NodeInfo info = new NodeInfo(new HashMap<>(Map.of("kubernetes.io/hostname", nodeName,
                "kubernetes.io/os", "linux", "node.kubernetes.io/instance-type", "m5.2xlarge",
                "topology.kubernetes.io/zone", "eu-west-1a")), 8000L, 33_000_000_000L, 7_910L, 31_000_000_000L);
        scrape.setNodeInfo(info);
        return scrape;
    }
}
