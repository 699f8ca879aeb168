package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;

/**
 * Where every window record the gateway reads from {@code node-metrics-windows} and {@code pod-metrics-windows} is
 * handed, decoded once, in topic order per partition (restore included): the latest-window map that serves
 * {@code /metrics/usage} is one sink, a window-history store can be another. Called on the window loader's thread;
 * an implementation must be quick and must not modify the record. Records that do not decode never get here (they
 * are counted as dropped).
 */
@FunctionalInterface
public interface WindowSink {
    void accept(MetricsWindow window);

    WindowSink NONE = window -> { };
}
