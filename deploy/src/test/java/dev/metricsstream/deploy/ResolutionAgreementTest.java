package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolutionAgreementTest {

    @Test
    void a_resolution_set_in_two_services_but_not_the_third_is_caught() {
        List<String> problems = ResolutionAgreement.problems("test", Map.of(
                "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "60s")),
                "aggregator", Map.entry(ServiceKeys.AGGREGATOR, Map.of("SCRAPE_RESOLUTION", "1m")),
                "gateway", Map.entry(ServiceKeys.GATEWAY, Map.of("STALENESS_BOUND", "45s"))));

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("gateway: STALENESS_BOUND 45s is shorter than 3 × SCRAPE_RESOLUTION (1m)"),
                problems.get(0));
    }

    @Test
    void a_resolution_left_at_its_default_in_one_service_is_caught() {
        List<String> problems = ResolutionAgreement.problems("test", Map.of(
                "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "30s")),
                "aggregator", Map.entry(ServiceKeys.AGGREGATOR, Map.of())));

        assertEquals(List.of("test: SCRAPE_RESOLUTION differs between services {aggregator=PT15S, collector=PT30S}"),
                problems);
    }

    @Test
    void services_that_agree_and_an_unset_bound_pass() {
        assertEquals(List.of(), ResolutionAgreement.problems("test", Map.of(
                "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "20s")),
                "aggregator", Map.entry(ServiceKeys.AGGREGATOR, Map.of("SCRAPE_RESOLUTION", "20s")),
                "gateway", Map.entry(ServiceKeys.GATEWAY, Map.of()))));
    }
}
