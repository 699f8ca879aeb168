package dev.metricsstream.collector.parse;

import dev.metricsstream.testkit.kubelet.Fixtures;

import static dev.metricsstream.collector.parse.ResourceMetricsDecoderTest.container;
import static dev.metricsstream.collector.parse.ResourceMetricsDecoderTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SummaryDecoderTest {
    private static final long REQUEST_TIME = 1_900_000_000_000L;

    private static DecodeResult decode(String fixture, String nodeName) throws IOException {
        return new SummaryDecoder().decode(Fixtures.open(fixture), nodeName, REQUEST_TIME);
    }

    private static long millis(String rfc3339) {
        return Instant.parse(rfc3339).toEpochMilli();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json, datagen-1-35, 17, 17",
        "stats-summary_k8s-1.28.3_containerd-1.7.24_kind.json, datagen-1-28, 17, 17",
        "stats-summary_k8s-1.16.15_docker-20.10.8_minikube.json, minikube, 15, 15",
        "stats-summary_minikube-2018_multicontainer-pods.json, minikube, 8, 12",
        "stats-summary_windows-eks_2020-04_init-containers-zero.json, ip-172-29-160-189.ec2.internal, 2, 6",
    })
    void every_summary_capture_decodes_completely(String fixture, String node, int pods, int containers)
            throws IOException {
        DecodeResult result = decode(fixture, node);

        assertTrue(result.usable(), () -> "failure " + result.failureReason());
        assertTrue(result.problems().isEmpty(), () -> "problems " + result.problems());
        NodeScrape scrape = result.scrape();
        assertEquals(ScrapeSource.STATS_SUMMARY, scrape.getSource());
        assertEquals(pods, scrape.getPods().size());
        assertEquals(containers, scrape.getPods().stream().mapToInt(p -> p.getContainers().size()).sum());
        assertNotNull(scrape.getNode().getCumulativeCpuNanos());
        assertNotNull(scrape.getNode().getMemoryWorkingSetBytes());
        for (PodSample pod : scrape.getPods()) {
            assertNotNull(pod.getUid(), "the summary names every pod's uid");
        }
    }

    @Test
    void the_windows_summary_keeps_completed_init_containers_with_zero_usage() throws IOException {
        NodeScrape scrape = decode("stats-summary_windows-eks_2020-04_init-containers-zero.json",
                "ip-172-29-160-189.ec2.internal").scrape();

        PodSample dd = pod(scrape, "default", "dd-datadog-lbvkl");
        assertEquals(List.of("agent", "init-config", "init-volume", "process-agent", "trace-agent"),
                dd.getContainers().stream().map(ContainerSample::getName).toList());
        for (String init : List.of("init-config", "init-volume")) {
            ContainerSample c = container(dd, init);
            assertEquals(0L, c.getCumulativeCpuNanos());
            assertEquals(0L, c.getMemoryWorkingSetBytes());
            assertEquals(millis("2020-04-24T15:54:18Z"), c.getCpuTimestampMillis());
        }
        ContainerSample processAgent = container(dd, "process-agent"); // no usageNanoCores: cumulative is enough
        assertEquals(9_359_375_000L, processAgent.getCumulativeCpuNanos());
        assertEquals(millis("2020-04-24T15:53:40Z"), processAgent.getStartTimeMillis());
        // Windows reports no default interface: the node's traffic is the sum over its interfaces
        assertNotNull(scrape.getNode().getNetworkRxBytes());
        assertTrue(scrape.getNode().getNetworkRxBytes() >= 1_149_346_892L);
    }

    @Test
    void the_richer_optional_fields_are_filled_from_a_current_kubelet() throws IOException {
        NodeScrape scrape = decode("stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json", "datagen-1-35").scrape();

        NodeSample node = scrape.getNode();
        assertEquals(772_921_510L, node.getNetworkRxBytes());
        assertEquals(13_888_023L, node.getNetworkTxBytes());
        assertEquals(0L, node.getSwapUsageBytes());
        assertNotNull(node.getFsCapacityBytes());
        assertNotNull(node.getMemoryAvailableBytes());
        assertNotNull(node.getMemoryRssBytes());
        ContainerSample kcm = scrape.getPods().stream().flatMap(p -> p.getContainers().stream())
                .filter(c -> c.getName().equals("kube-controller-manager")).findFirst().orElseThrow();
        assertEquals(1_877_547_000L, kcm.getCumulativeCpuNanos());
        assertEquals(66_174_976L, kcm.getMemoryWorkingSetBytes());
        assertEquals(65_314_816L, kcm.getMemoryRssBytes());
        assertEquals(86_016L, kcm.getFsUsedBytes());
        assertEquals(977_896_124_416L, kcm.getFsCapacityBytes());
        assertEquals(millis("2026-06-26T10:14:29Z"), kcm.getCpuTimestampMillis());
        assertEquals(millis("2026-06-26T10:12:10Z"), kcm.getStartTimeMillis());
    }

    @Test
    void network_sample_times_pod_start_and_pod_ephemeral_storage_are_read_for_the_summary_metrics()
            throws IOException {
        NodeScrape scrape = decode("stats-summary_k8s-1.35.0_containerd-2.2.1_kind.json", "datagen-1-35").scrape();

        assertEquals(millis("2026-06-26T10:14:35Z"), scrape.getNode().getNetworkTimestampMillis());
        PodSample coredns = pod(scrape, "kube-system", "coredns-7d764666f9-qdcxt");
        assertEquals(49_637L, coredns.getNetworkRxBytes());
        assertEquals(21_189L, coredns.getNetworkTxBytes());
        assertEquals(millis("2026-06-26T10:14:28Z"), coredns.getNetworkTimestampMillis());
        assertEquals(millis("2026-06-26T10:12:40Z"), coredns.getStartTimeMillis());
        assertEquals(57_344L, coredns.getEphemeralStorageUsedBytes());
    }

    @Test
    void a_pod_without_network_or_ephemeral_storage_leaves_them_absent_not_zero() throws IOException {
        String summary = """
                {"node": {"nodeName": "n1", "cpu": {"time": "2026-06-26T10:14:35Z", "usageCoreNanoSeconds": 5},
                          "memory": {"time": "2026-06-26T10:14:35Z", "workingSetBytes": 7}},
                 "pods": [{"podRef": {"name": "p", "namespace": "ns", "uid": "u"},
                           "containers": [{"name": "c", "cpu": {"usageCoreNanoSeconds": 3},
                                           "memory": {"workingSetBytes": 4}}]}]}
                """;
        NodeScrape scrape = new SummaryDecoder().decode(new java.io.ByteArrayInputStream(
                summary.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "n1", REQUEST_TIME).scrape();

        PodSample pod = pod(scrape, "ns", "p");
        assertEquals(null, pod.getNetworkRxBytes());
        assertEquals(null, pod.getNetworkTimestampMillis());
        assertEquals(null, pod.getEphemeralStorageUsedBytes());
        assertEquals(null, scrape.getNode().getNetworkTimestampMillis());
    }

    @Test
    void a_node_name_other_than_the_target_is_counted() throws IOException {
        DecodeResult result = decode("stats-summary_k8s-1.28.3_containerd-1.7.24_kind.json", "someone-else");
        assertEquals(1L, result.problems().byReason().get("node_name_mismatch"));
        assertTrue(result.usable());
    }
}
