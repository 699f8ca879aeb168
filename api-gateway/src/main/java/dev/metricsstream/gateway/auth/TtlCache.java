package dev.metricsstream.gateway.auth;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/** A small expiring map on an injectable clock; bounded (cleared of expired entries, then wholly, when full). */
final class TtlCache<K, V> {
    private record Entry<V>(V value, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final int maxEntries;

    TtlCache(InstantSource clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clock.millis() >= entry.expiresAtMillis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    void put(K key, V value, long ttlMillis) {
        if (ttlMillis <= 0) {
            return;
        }
        long now = clock.millis();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> now >= e.expiresAtMillis());
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, now + ttlMillis));
    }
}
