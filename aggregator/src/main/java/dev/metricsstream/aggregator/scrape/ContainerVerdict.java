package dev.metricsstream.aggregator.scrape;

import dev.metricsstream.aggregator.rate.Usage;

/** What one container contributes to its pod in one scrape. */
public sealed interface ContainerVerdict {

    /** Zero CPU and zero memory: completed or not started (e.g. an init container). Left out of the pod. */
    record LeftOut() implements ContainerVerdict {
    }

    /** Only part of a sample (a counter, a timestamp or memory missing): metrics-server drops the pod for this. */
    record Incomplete(String reason) implements ContainerVerdict {
    }

    /** A valid point but no rate yet (first point, restart, counter decrease...). */
    record NoRate(String outcome) implements ContainerVerdict {
    }

    /** A usage to serve. */
    record Rated(Usage usage) implements ContainerVerdict {
    }
}
