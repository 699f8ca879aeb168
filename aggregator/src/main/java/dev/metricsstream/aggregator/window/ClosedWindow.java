package dev.metricsstream.aggregator.window;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;

/**
 * A window the watermark has closed, keyed {@code entity@windowSizeMillis@windowStartMillis}; timestamp = window end.
 * The window package's own result type, so that it depends on nothing of the aggregator (the scrape package wraps it
 * in its {@code Emission.WindowClosed}).
 */
public record ClosedWindow(String key, EntityKind kind, MetricsWindow value, long timestampMillis) {
}
