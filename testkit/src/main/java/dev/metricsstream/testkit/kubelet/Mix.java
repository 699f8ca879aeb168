package dev.metricsstream.testkit.kubelet;

import java.nio.charset.StandardCharsets;

/** Deterministic hashing (SplitMix64 finalizer) for everything derived from the seed. */
final class Mix {

    private Mix() {
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long of(long a, long b) {
        return mix(mix(a) + 0x9e3779b97f4a7c15L * (b + 1));
    }

    static long of(long seed, String key) {
        long h = 1125899906842597L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return of(seed, h);
    }

    /** A value in [0, 1). */
    static double unit(long hash) {
        return (mix(hash) >>> 11) * 0x1.0p-53;
    }
}
