package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/** The newest closed window per entity kind, entity and window size (window topics are not compacted). */
public final class LatestWindows implements WindowSink {
    private final ConcurrentSkipListMap<String, MetricsWindow> windows = new ConcurrentSkipListMap<>();

    @Override
    public void accept(MetricsWindow window) {
        String key = StoreKeys.window(window.getEntityKind().name(), window.getEntity(), window.getWindowSizeMillis());
        windows.merge(key, window, (old, candidate) ->
                candidate.getWindowStartMillis() >= old.getWindowStartMillis() ? candidate : old);
    }

    /** In entity kind, entity, size order. */
    public void forEach(Consumer<MetricsWindow> action) {
        windows.values().forEach(action);
    }

    /** The windows of one kind whose entity starts with {@code prefix}: a range scan. */
    public void forEach(EntityKind kind, String prefix, Consumer<MetricsWindow> action) {
        String from = StoreKeys.windowPrefix(kind.name(), prefix);
        windows.subMap(from, true, from + Character.MAX_VALUE, false).values().forEach(action);
    }

    public long size() {
        return windows.size();
    }
}
