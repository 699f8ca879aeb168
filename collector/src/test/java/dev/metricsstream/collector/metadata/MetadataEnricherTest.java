package dev.metricsstream.collector.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodSample;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataEnricherTest {
    private static NodeScrape scrape() throws Exception {
        String text = """
                container_cpu_usage_seconds_total{container="c",namespace="ns",pod="known"} 1 1
                container_cpu_usage_seconds_total{container="c",namespace="ns",pod="unknown"} 1 1
                """;
        return new dev.metricsstream.collector.parse.ResourceMetricsDecoder().decode(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "n", 1).scrape();
    }

    @Test
    void known_pods_get_uid_phase_and_labels_and_unknown_pods_stay_without() throws Exception {
        NodeScrape scrape = scrape();
        NodeMetadata metadata = KubeletPodsMetadataSource.parse(new ByteArrayInputStream("""
                {"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
                  {"metadata":{"name":"known","namespace":"ns","uid":"u1","labels":{"app":"web","tier":"front"}},
                   "spec":{"nodeName":"n"},"status":{"phase":"Running"}}]}
                """.getBytes(StandardCharsets.UTF_8)));

        int unknown = MetadataEnricher.apply(scrape, metadata);

        assertEquals(1, unknown);
        PodSample known = scrape.getPods().get(0);
        assertEquals("u1", known.getUid());
        assertEquals("Running", known.getPhase());
        assertEquals(Map.of("app", "web", "tier", "front"), known.getLabels());
        PodSample other = scrape.getPods().get(1);
        assertNull(other.getPhase());
        assertTrue(other.getLabels().isEmpty());
    }

    @Test
    void metadata_of_another_pod_with_the_same_name_is_not_attached() throws Exception {
        NodeScrape scrape = scrape();
        scrape.getPods().get(0).setUid("new-uid");
        NodeMetadata metadata = new NodeMetadata(Map.of("ns/known", new PodMetadata("old-uid", "Succeeded",
                Map.of("app", "old"))), null);

        assertEquals(2, MetadataEnricher.apply(scrape, metadata));
        assertNull(scrape.getPods().get(0).getPhase());
    }
}
