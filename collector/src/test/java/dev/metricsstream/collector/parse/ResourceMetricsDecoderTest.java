package dev.metricsstream.collector.parse;

import dev.metricsstream.testkit.kubelet.Fixtures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import dev.metricsstream.avro.ScrapeSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceMetricsDecoderTest {
    private static final long REQUEST_TIME = 3_392_795_227_000L; // 2077-07-07T07:07:07Z
    private final ResourceMetricsDecoder decoder = new ResourceMetricsDecoder();

    static DecodeResult decode(String text) throws IOException {
        return new ResourceMetricsDecoder().decode(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "node1", REQUEST_TIME);
    }

    static PodSample pod(NodeScrape scrape, String namespace, String name) {
        return scrape.getPods().stream().filter(p -> p.getNamespace().equals(namespace) && p.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no pod " + namespace + "/" + name));
    }

    static ContainerSample container(PodSample pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    @Test
    void the_2021_kind_capture_yields_70_pods_with_metrics_servers_values() throws IOException {
        DecodeResult result = decoder.decode(Fixtures.open("metrics-resource_kind-e2e_2021-10_70pods.prom"),
                "e2e-control-plane", REQUEST_TIME);

        assertTrue(result.usable(), () -> "failure " + result.failureReason());
        assertTrue(result.problems().isEmpty(), () -> "problems " + result.problems());
        NodeScrape scrape = result.scrape();
        assertEquals(70, scrape.getPods().size());
        assertEquals(ScrapeSource.METRICS_RESOURCE, scrape.getSource());
        assertEquals("e2e-control-plane", scrape.getNodeName());
        assertEquals(REQUEST_TIME, scrape.getScrapeTimeMillis());
        // the values metrics-server's decode_test.go expects for this capture
        assertEquals(357_354_910_000L, scrape.getNode().getCumulativeCpuNanos());
        assertEquals(1_616_273_408L, scrape.getNode().getMemoryWorkingSetBytes());
        assertEquals(1_633_253_809_720L, scrape.getNode().getCpuTimestampMillis());
        ContainerSample coredns = container(pod(scrape, "kube-system", "coredns-558bd4d5db-4dpjz"), "coredns");
        assertEquals(4_710_169_000L, coredns.getCumulativeCpuNanos());
        assertEquals(12_533_760L, coredns.getMemoryWorkingSetBytes());
        assertEquals(1_633_253_812_125L, coredns.getCpuTimestampMillis());
        assertEquals(1_633_253_812_125L, coredns.getMemoryTimestampMillis());
        for (PodSample pod : scrape.getPods()) {
            assertNull(pod.getPhase(), "no metadata known yet");
            assertTrue(pod.getLabels().isEmpty());
            assertFalse(pod.getContainers().isEmpty());
        }
    }

    @Test
    void the_2024_capture_gives_the_awx_web_pod_its_three_containers() throws IOException {
        DecodeResult result = decoder.decode(
                Fixtures.open("metrics-resource_kind-private-cloud-worker_2024-01_multicontainer.prom"),
                "private-cloud-worker", REQUEST_TIME);

        assertTrue(result.usable());
        assertTrue(result.problems().isEmpty(), () -> "problems " + result.problems());
        assertEquals(9, result.scrape().getPods().size());
        PodSample awx = pod(result.scrape(), "awx", "awx-web-5d5d7ccf85-7jjgm");
        assertEquals(List.of("awx-rsyslog", "awx-web", "redis"),
                awx.getContainers().stream().map(ContainerSample::getName).toList());
        ContainerSample rsyslog = container(awx, "awx-rsyslog");
        assertEquals(56_167_570_000L, rsyslog.getCumulativeCpuNanos());
        assertEquals(162_619_392L, rsyslog.getMemoryWorkingSetBytes());
        assertEquals(1_704_815_766_953L, rsyslog.getCpuTimestampMillis());
        // start time comes from the value (seconds), not from the sample timestamp
        assertEquals(1_704_801_726_838L, rsyslog.getStartTimeMillis());
        assertEquals(5_716_152_579_000L, result.scrape().getNode().getCumulativeCpuNanos());
    }

    @Test
    void samples_without_timestamp_get_the_request_time() throws IOException {
        DecodeResult result = decode("""
                container_cpu_usage_seconds_total{container="coredns",namespace="kube-system",pod="coredns-1"} 4.710169
                container_memory_working_set_bytes{container="coredns",namespace="kube-system",pod="coredns-1"} 1.253376e+07
                container_start_time_seconds{container="coredns",namespace="kube-system",pod="coredns-1"} 1.633252712e+9
                node_cpu_usage_seconds_total 357.35491
                node_memory_working_set_bytes 1.616273408e+09
                """);

        ContainerSample c = container(pod(result.scrape(), "kube-system", "coredns-1"), "coredns");
        assertEquals(REQUEST_TIME, c.getCpuTimestampMillis());
        assertEquals(REQUEST_TIME, c.getMemoryTimestampMillis());
        assertEquals(1_633_252_712_000L, c.getStartTimeMillis());
        assertEquals(REQUEST_TIME, result.scrape().getNode().getCpuTimestampMillis());
        assertTrue(result.problems().isEmpty());
    }

    @Test
    void containers_missing_cpu_or_memory_are_kept_with_nulls_for_the_aggregator_to_judge() throws IOException {
        DecodeResult result = decode("""
                container_memory_working_set_bytes{container="a",namespace="ns",pod="p"} 1.25e+07 1633253812125
                container_cpu_usage_seconds_total{container="b",namespace="ns",pod="p"} 0 1633253812125
                container_memory_working_set_bytes{container="b",namespace="ns",pod="p"} 0 1633253812125
                node_memory_working_set_bytes 1.616273408e+09 1633253809720
                """);

        PodSample p = pod(result.scrape(), "ns", "p");
        assertNull(container(p, "a").getCumulativeCpuNanos());
        assertEquals(12_500_000L, container(p, "a").getMemoryWorkingSetBytes());
        assertEquals(0L, container(p, "b").getCumulativeCpuNanos());
        assertEquals(0L, container(p, "b").getMemoryWorkingSetBytes());
        assertNull(result.scrape().getNode().getCumulativeCpuNanos());
        assertTrue(result.usable());
    }

    @Test
    void labels_in_any_order_with_escapes_and_stable_headers_are_read() throws IOException {
        DecodeResult result = decode("""
                # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
                # TYPE container_cpu_usage_seconds_total counter
                container_cpu_usage_seconds_total{pod="p\\"1",namespace="n\\\\s",container="c\\nx",} 1.5e0 1700000000000
                container_memory_working_set_bytes{ namespace = "n\\\\s" , container="c\\nx",pod="p\\"1"} 2048 1700000000001
                # HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise
                # TYPE resource_scrape_error gauge
                resource_scrape_error 0
                """);

        assertTrue(result.problems().isEmpty(), () -> result.problems().toString());
        ContainerSample c = container(pod(result.scrape(), "n\\s", "p\"1"), "c\nx");
        assertEquals(1_500_000_000L, c.getCumulativeCpuNanos());
        assertEquals(2048L, c.getMemoryWorkingSetBytes());
        assertEquals(1_700_000_000_001L, c.getMemoryTimestampMillis());
    }

    @Test
    void scrape_error_one_marks_the_scrape_failed() throws IOException {
        assertEquals("kubelet_scrape_error", decode("node_cpu_usage_seconds_total 1 1\nscrape_error 1\n")
                .failureReason());
        assertEquals("kubelet_scrape_error", decode("resource_scrape_error 1\n").failureReason());
        assertTrue(decode("node_cpu_usage_seconds_total 1 1\nresource_scrape_error 0\n").usable());
    }

    @Test
    void a_start_time_before_the_epoch_is_counted_and_the_other_lines_are_kept() throws IOException {
        // metrics-server's "Containing an incorrect timestamp" case fails the whole batch; we skip only the line
        DecodeResult result = decode("""
                container_start_time_seconds{container="ms",namespace="kd",pod="a"} -6.7953645788713455e+09 -62135596800000
                container_start_time_seconds{container="ms",namespace="kd",pod="b"} 1.6509742024191372e+09 1650974202419
                """);

        assertEquals(Map.of("invalid_timestamp", 1L), result.problems().byReason());
        assertEquals(1_650_974_202_419L, container(pod(result.scrape(), "kd", "b"), "ms").getStartTimeMillis());
        assertEquals(1, result.scrape().getPods().size());
    }

    @Test
    void swap_series_fill_swap_usage() throws IOException {
        DecodeResult result = decode("""
                node_swap_usage_bytes 4096 1700000000000
                container_swap_usage_bytes{container="c",namespace="n",pod="p"} 1024 1700000000000
                """);
        assertEquals(4096L, result.scrape().getNode().getSwapUsageBytes());
        assertEquals(1024L, container(pod(result.scrape(), "n", "p"), "c").getSwapUsageBytes());
    }
}
