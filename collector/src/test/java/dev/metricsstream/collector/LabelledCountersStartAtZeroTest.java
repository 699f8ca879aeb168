package dev.metricsstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.testkit.metrics.ScrapedSamples;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Alerts use {@code increase()}/{@code rate()}: a labelled series that appears only with the first failure starts at
 * the post-incident value and the alert never fires for it. Scraped right after start, before any scrape, every known
 * label value is there with 0.
 */
class LabelledCountersStartAtZeroTest {

    @Test
    void every_known_label_value_is_exposed_at_zero_before_the_first_scrape() throws Exception {
        CollectorConfig config = CollectorConfig.from(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "KUBELET_TARGETS", "node-a=https://127.0.0.1:1",
                "KUBELET_SOURCE", "both",
                "KUBELET_INSECURE_TLS", "true",
                "TOKEN_FILE", "none",
                "METADATA_SOURCE", "none",
                "OPS_HOST", "127.0.0.1",
                "OPS_PORT", "0"));
        try (CollectorApp app = CollectorApp.start(config, CollectorApp.Deps.production()
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()))) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.opsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            ScrapedSamples samples = ScrapedSamples.parse(body);

            // the ones the shipped alerts and the troubleshooting table name
            assertEquals(0.0, samples.get("collector_scrapes_total", "result", "failure"), body);
            assertEquals(0.0, samples.get("collector_scrape_errors_total", "source", "metrics-resource",
                    "reason", "tls"), body);
            assertEquals(0.0, samples.get("collector_scrape_errors_total", "source", "stats-summary",
                    "reason", "http_403"), body);
            assertEquals(0.0, samples.get("collector_records_dropped_total"), body);
            // and every other known value
            List<String> missing = new ArrayList<>();
            CollectorMetrics.SCRAPE_RESULTS.forEach(r -> expectZero(samples, missing, "collector_scrapes_total",
                    "result", r));
            for (String source : List.of("metrics-resource", "stats-summary")) {
                CollectorMetrics.scrapeErrorReasons().forEach(r -> expectZero(samples, missing,
                        "collector_scrape_errors_total", "source", source, "reason", r));
                CollectorMetrics.PARSE_PROBLEM_REASONS.get(source).forEach(r -> expectZero(samples, missing,
                        "collector_parse_problems_total", "source", source, "reason", r));
            }
            expectZero(samples, missing, "collector_scrape_errors_total", "source", "loop", "reason",
                    "previous_scrape_running");
            CollectorMetrics.METADATA_ERROR_REASONS.forEach(r -> expectZero(samples, missing,
                    "collector_metadata_errors_total", "reason", r));
            assertTrue(missing.isEmpty(), "not exposed at 0: " + missing + "\n" + body);
        }
    }

    private static void expectZero(ScrapedSamples samples, List<String> missing, String name, String... labels) {
        Double value = samples.get(name, labels);
        if (value == null || value != 0.0) {
            missing.add(ScrapedSamples.key(name, labels) + "=" + value);
        }
    }
}
