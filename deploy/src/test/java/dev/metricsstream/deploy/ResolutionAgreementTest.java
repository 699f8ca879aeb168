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

    @Test
    void the_combined_image_is_checked_as_its_two_services_with_their_prefixed_variables() {
        // the aggregator inside the combined pod is given AGGREGATOR_SCRAPE_RESOLUTION, not the unprefixed one
        assertEquals(List.of("test: SCRAPE_RESOLUTION differs between services "
                        + "{collector=PT30S, combined/aggregator=PT20S}"),
                ResolutionAgreement.problems("test", Map.of(
                        "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "30s")),
                        "combined", Map.entry(ServiceKeys.COMBINED, Map.of("SCRAPE_RESOLUTION", "30s",
                                "AGGREGATOR_SCRAPE_RESOLUTION", "20s")))));
        // a bound given to the gateway only is still checked against the resolution
        List<String> problems = ResolutionAgreement.problems("test", Map.of(
                "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "30s")),
                "combined", Map.entry(ServiceKeys.COMBINED, Map.of("SCRAPE_RESOLUTION", "30s",
                        "GATEWAY_STALENESS_BOUND", "60s"))));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("test combined/api-gateway: STALENESS_BOUND 60s is shorter than"),
                problems.get(0));
        assertEquals(List.of(), ResolutionAgreement.problems("test", Map.of(
                "collector", Map.entry(ServiceKeys.COLLECTOR, Map.of("SCRAPE_RESOLUTION", "30s")),
                "combined", Map.entry(ServiceKeys.COMBINED, Map.of("SCRAPE_RESOLUTION", "30s",
                        "STALENESS_BOUND", "90s")))));
    }
}
