package dev.metricsstream.gateway.store;

/** What the store loaders report: records loaded (with their sample time) and records dropped, with why. */
public interface LoadListener {
    void loaded(String kind, long sampleMillis);

    void dropped(String topic, String key, String reason);

    LoadListener NONE = new LoadListener() {
        @Override
        public void loaded(String kind, long sampleMillis) {
        }

        @Override
        public void dropped(String topic, String key, String reason) {
        }
    };
}
