package dev.metricsstream.gateway.store;

/** Wall-clock time in epoch milliseconds; a seam so tests control "now" (request time, staleness). */
@FunctionalInterface
public interface Clock {
    long nowMillis();

    static Clock system() {
        return System::currentTimeMillis;
    }
}
