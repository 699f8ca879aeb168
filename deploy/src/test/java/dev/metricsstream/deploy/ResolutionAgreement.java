package dev.metricsstream.deploy;

import dev.metricsstream.common.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings the services must agree on, as a set of manifests gives them: every service that reads
 * {@code SCRAPE_RESOLUTION} uses the same one (what it is set to, else the 15 s default), and a fixed
 * {@code STALENESS_BOUND} is at least 3 × that resolution — otherwise nodes go stale between two scrapes and the
 * gateway serves nothing. Unset bounds follow the resolution the data carries and always agree.
 */
final class ResolutionAgreement {
    static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(15);
    static final int RESOLUTIONS_PER_BOUND = 3;

    private ResolutionAgreement() {
    }

    /**
     * The problems of one set of manifests.
     *
     * @param where    the manifest set, for messages
     * @param workloads what each workload is ({@link ServiceKeys}) and its environment, by workload name
     */
    static List<String> problems(String where, Map<String, Map.Entry<ServiceKeys, Map<String, String>>> workloads) {
        // the combined image is two services, each with its own view of the environment
        Map<String, Map.Entry<ServiceKeys, Map<String, String>>> services = new TreeMap<>();
        workloads.forEach((name, workload) -> services.putAll(workload.getKey().services(name, workload.getValue())));
        Map<String, Duration> resolutions = new TreeMap<>();
        services.forEach((name, service) -> {
            if (service.getKey().known.contains("SCRAPE_RESOLUTION")) {
                String value = service.getValue().get("SCRAPE_RESOLUTION");
                resolutions.put(name, value == null ? DEFAULT_RESOLUTION : Durations.parse(value));
            }
        });
        List<String> problems = new ArrayList<>();
        if (resolutions.values().stream().distinct().count() > 1) {
            problems.add(where + ": SCRAPE_RESOLUTION differs between services " + resolutions);
        }
        Duration resolution = resolutions.values().stream().max(Duration::compareTo).orElse(DEFAULT_RESOLUTION);
        services.forEach((name, service) -> {
            String bound = service.getValue().get("STALENESS_BOUND");
            if (bound != null && Durations.parse(bound).compareTo(resolution.multipliedBy(RESOLUTIONS_PER_BOUND)) < 0) {
                problems.add(where + " " + name + ": STALENESS_BOUND " + bound + " is shorter than "
                        + RESOLUTIONS_PER_BOUND + " × SCRAPE_RESOLUTION (" + Durations.format(resolution)
                        + "); leave it unset to follow the resolution the data carries");
            }
        });
        return problems;
    }
}
