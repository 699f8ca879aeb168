package dev.metricsstream.aggregator.rate;

import java.util.Optional;

/**
 * What the rate rule decided for one new point: the points to remember from now on and, where metrics-server would
 * serve one, the usage. One case per branch of metrics-server's {@code Store} / {@code resourceUsage}.
 */
public sealed interface RateOutcome {

    /** The points metrics-server keeps after this point. */
    StoredPoints stored();

    /** The usage metrics-server would serve after this point, if any. */
    default Optional<Usage> usage() {
        return Optional.empty();
    }

    /** True when the point is not newer than the stored last one (duplicate, replay or out of order). */
    default boolean notNewer() {
        return false;
    }

    /** The normal case: a newer point of the same lifetime; the stored last point becomes the previous one. */
    record Rate(StoredPoints stored, Usage rate) implements RateOutcome {
        @Override
        public Optional<Usage> usage() {
            return Optional.of(rate);
        }
    }

    /**
     * A container aged {@code 10 s <= age < resolution}: a synthetic (start time, 0 CPU) previous point gives a rate
     * at once, over the container's whole life.
     */
    record FreshContainerBaseline(StoredPoints stored, Usage rate) implements RateOutcome {
        @Override
        public Optional<Usage> usage() {
            return Optional.of(rate);
        }
    }

    /** Nothing stored before (and not fresh): remember the point, no rate yet. */
    record FirstPoint(StoredPoints stored) implements RateOutcome {
    }

    /** The container started at or after the stored last timestamp (a restart): start over from this point. */
    record StartedOver(StoredPoints stored) implements RateOutcome {
    }

    /** A newer point whose cumulative CPU is below the previous one: no rate now, the next point gives one. */
    record CounterDecreased(StoredPoints stored) implements RateOutcome {
    }

    /** A newer point whose start time is before the previous point's: no rate now, the next point gives one. */
    record StartTimeDecreased(StoredPoints stored) implements RateOutcome {
    }

    /**
     * Not newer than the last point, but newer than the previous one: metrics-server makes it the last point, keeps
     * the previous one, and would serve the (older) rate between them.
     */
    record NotNewerKeptPrevious(StoredPoints stored, Usage rate) implements RateOutcome {
        @Override
        public Optional<Usage> usage() {
            return Optional.of(rate);
        }

        @Override
        public boolean notNewer() {
            return true;
        }
    }

    /** Not newer than the last point nor than the previous one (or none): metrics-server drops the previous point. */
    record NotNewerDroppedPrevious(StoredPoints stored) implements RateOutcome {
        @Override
        public boolean notNewer() {
            return true;
        }
    }
}
