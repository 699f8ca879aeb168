package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;
import java.util.function.Consumer;

/** What the store loaders report: records loaded (with their sample time) and records dropped, with why. */
public interface LoadListener {
    void loaded(String kind, long sampleMillis);

    void dropped(String topic, String key, String reason);

    /** Every decoded closed window, as loaded (the window history's feed); ignored by default. */
    default void window(MetricsWindow window) {
    }

    /** This listener, also handing every decoded window to {@code windows}. */
    default LoadListener withWindows(Consumer<MetricsWindow> windows) {
        LoadListener self = this;
        return new LoadListener() {
            @Override
            public void loaded(String kind, long sampleMillis) {
                self.loaded(kind, sampleMillis);
            }

            @Override
            public void dropped(String topic, String key, String reason) {
                self.dropped(topic, key, reason);
            }

            @Override
            public void window(MetricsWindow window) {
                self.window(window);
                windows.accept(window);
            }
        };
    }

    LoadListener NONE = new LoadListener() {
        @Override
        public void loaded(String kind, long sampleMillis) {
        }

        @Override
        public void dropped(String topic, String key, String reason) {
        }
    };
}
