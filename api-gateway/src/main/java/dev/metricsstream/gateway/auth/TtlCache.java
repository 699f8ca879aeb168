package dev.metricsstream.gateway.auth;

import dev.metricsstream.gateway.store.Clock;
import java.util.concurrent.ConcurrentHashMap;

/** A small expiring map on an injectable clock; bounded (cleared of expired entries, then wholly, when full). */
final class TtlCache<K, V> {
    private record Entry<V>(V value, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxEntries;

    TtlCache(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    V get(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clock.nowMillis() >= entry.expiresAtMillis()) {
            entries.remove(key, entry);
            return null;
        }
        return entry.value();
    }

    void put(K key, V value, long ttlMillis) {
        if (ttlMillis <= 0) {
            return;
        }
        long now = clock.nowMillis();
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> now >= e.expiresAtMillis());
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(key, new Entry<>(value, now + ttlMillis));
    }
}
