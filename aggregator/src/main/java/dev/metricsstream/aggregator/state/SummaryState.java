package dev.metricsstream.aggregator.state;

import dev.metricsstream.aggregator.rate.CounterPoints;
import dev.metricsstream.aggregator.rate.NetworkRate;
import dev.metricsstream.aggregator.rate.NetworkRateRule;
import java.util.Optional;

/**
 * What the aggregator remembers of one pod's or node's {@code /stats/summary} values: the network counter points
 * (kept while the entity is in the scrapes, so one scrape without them does not reset the rate) and what the newest
 * scrape said. A value the newest scrape did not carry is null: absent, never zero.
 *
 * @param network                   the network counter points, null when none was ever seen
 * @param networkInNewestScrape     whether the newest scrape carried the network counters (else no rate is served)
 * @param memoryRssBytes            resident set size from the newest scrape, or null
 * @param ephemeralStorageUsedBytes ephemeral storage (a node's: its root filesystem) in use, or null
 */
public record SummaryState(CounterPoints network, boolean networkInNewestScrape, Long memoryRssBytes,
                           Long ephemeralStorageUsedBytes) {

    /** The network rate as of the newest scrape: empty when it had no counters or no rate exists yet. */
    public Optional<NetworkRate> networkRate() {
        return networkInNewestScrape && network != null ? NetworkRateRule.rate(network) : Optional.empty();
    }

    /** True when there is nothing to remember or serve. */
    public boolean isEmpty() {
        return network == null && memoryRssBytes == null && ephemeralStorageUsedBytes == null;
    }
}
