package dev.metricsstream.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad kubelet output never throws out of a decoder: bad lines are counted by reason and the good ones kept. */
class MalformedInputTest {
    private static final String GOOD = "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"p\"} 1.5 1700000000000\n";

    private static DecodeResult resource(String text) throws IOException {
        return ResourceMetricsDecoderTest.decode(text);
    }

    @Test
    void truncated_lines_are_counted_and_the_good_lines_kept() throws IOException {
        DecodeResult result = resource(GOOD
                + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"q\n"
                + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"r\"}\n"
                + "container_cpu_usage_seconds_total{container=\"c\",namespace=\"n\",pod=\"s\"} \n");

        assertEquals(3L, result.problems().byReason().get("truncated_line"));
        assertEquals(1, result.scrape().getPods().size());
        assertTrue(result.usable());
    }

    @Test
    void a_body_cut_off_in_its_last_line_fails_the_scrape_so_no_pod_looks_gone() throws IOException {
        DecodeResult text = resource(GOOD + "container_cpu_usage_seconds_total{container=\"c\",namesp");
        DecodeResult cleanCut = resource(GOOD + "node_cpu_usage_seconds_total 1 1");
        String json = "{\"node\":{\"nodeName\":\"n\"},\"pods\":[{\"podRef\":{\"name\":\"a\",\"namespace\":\"b\"}},";
        DecodeResult summary = new SummaryDecoder().decode(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "n", 1);

        assertEquals("truncated_response", text.failureReason());
        assertEquals("truncated_response", cleanCut.failureReason());
        assertEquals("invalid_json", summary.failureReason());
    }

    @Test
    void bad_escapes_and_bad_labels_are_counted() throws IOException {
        DecodeResult result = resource(GOOD
                + "container_cpu_usage_seconds_total{container=\"c\\t\",namespace=\"n\",pod=\"x\"} 1 1\n"
                + "container_cpu_usage_seconds_total{container=c,namespace=\"n\",pod=\"y\"} 1 1\n"
                + "container_cpu_usage_seconds_total{namespace=\"n\",pod=\"z\"} 1 1\n");

        assertEquals(1L, result.problems().byReason().get("bad_escape"));
        assertEquals(1L, result.problems().byReason().get("invalid_label"));
        assertEquals(1L, result.problems().byReason().get("missing_label"));
        assertEquals(1, result.scrape().getPods().size());
        assertNotNull(result.problems().firstExample());
    }

    @Test
    void huge_and_non_finite_numbers_are_rejected_per_line() throws IOException {
        DecodeResult result = resource(GOOD
                + "node_cpu_usage_seconds_total 1e400 1\n"
                + "node_memory_working_set_bytes 9.3e18 1\n"
                + "container_memory_working_set_bytes{container=\"c\",namespace=\"n\",pod=\"p\"} NaN 1\n"
                + "container_cpu_usage_seconds_total{container=\"d\",namespace=\"n\",pod=\"p\"} -Inf 1\n"
                + "container_cpu_usage_seconds_total{container=\"e\",namespace=\"n\",pod=\"p\"} 1 99999999999999999999999\n"
                + "container_cpu_usage_seconds_total{container=\"f\",namespace=\"n\",pod=\"p\"} 0x1p3 1\n"
                + "container_cpu_usage_seconds_total{container=\"g\",namespace=\"n\",pod=\"p\"} 1 1 extra\n");

        assertEquals(4L, result.problems().byReason().get("invalid_value")); // 1e400, NaN, -Inf, hex
        assertEquals(1L, result.problems().byReason().get("value_out_of_range"));
        assertEquals(1L, result.problems().byReason().get("invalid_timestamp"));
        assertEquals(1L, result.problems().byReason().get("trailing_garbage"));
        assertEquals(1, result.scrape().getPods().get(0).getContainers().size());
    }

    @Test
    void nan_and_infinities_are_parsed_as_values_by_the_text_parser() {
        assertTrue(Double.isNaN(PrometheusTextParser.parseValue("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, PrometheusTextParser.parseValue("+Inf"));
        assertEquals(Double.NEGATIVE_INFINITY, PrometheusTextParser.parseValue("-Inf"));
        assertEquals(1.616273408e+09, PrometheusTextParser.parseValue("1.616273408e+09"));
    }

    @Test
    void an_empty_body_is_a_failed_scrape_not_an_exception() throws IOException {
        assertEquals("empty_response", resource("").failureReason());
        assertEquals("empty_response", new SummaryDecoder().decode(new ByteArrayInputStream(new byte[0]), "n", 1)
                .failureReason());
    }

    @Test
    void ten_megabytes_of_garbage_are_counted_without_an_exception() throws IOException {
        byte[] garbage = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(garbage);
        garbage[garbage.length - 1] = '\n'; // complete lines of garbage (a cut-off body is tested above)

        DecodeResult text = new ResourceMetricsDecoder().decode(new ByteArrayInputStream(garbage), "n", 1);
        DecodeResult json = new SummaryDecoder().decode(new ByteArrayInputStream(garbage), "n", 1);

        assertFalse(text.usable());
        assertEquals("no_samples", text.failureReason());
        assertTrue(text.problems().total() > 1000, () -> "counted " + text.problems());
        assertEquals("invalid_json", json.failureReason());
    }

    @Test
    void a_line_longer_than_the_limit_is_skipped_without_buffering_it_whole() throws IOException {
        String longLine = "container_cpu_usage_seconds_total{container=\"" + "x".repeat(100_000) + "\"} 1 1\n";
        DecodeResult result = resource(longLine + GOOD);
        assertEquals(1L, result.problems().byReason().get("line_too_long"));
        assertEquals(1, result.scrape().getPods().size());
    }

    @Test
    void malformed_summary_entries_are_counted_and_the_rest_kept() throws IOException {
        String json = """
                {"node":{"nodeName":"n","cpu":{"time":"not a time","usageCoreNanoSeconds":12},
                  "memory":{"workingSetBytes":"lots"}},
                 "pods":[{"podRef":{"name":"a"}},
                         {"podRef":{"name":"b","namespace":"ns"},"containers":[{"name":"c",
                           "cpu":{"usageCoreNanoSeconds":123456789012345678901234567890}},{"cpu":{}}]}]}
                """;
        DecodeResult result = new SummaryDecoder().decode(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "n", 77);

        assertTrue(result.usable());
        assertEquals(1L, result.problems().byReason().get("invalid_timestamp"));
        assertEquals(1L, result.problems().byReason().get("invalid_value"));
        assertEquals(1L, result.problems().byReason().get("missing_pod_ref"));
        assertEquals(1L, result.problems().byReason().get("value_out_of_range"));
        assertEquals(1L, result.problems().byReason().get("missing_container_name"));
        assertEquals(77L, result.scrape().getNode().getCpuTimestampMillis());
        assertEquals(1, result.scrape().getPods().size());
    }
}
