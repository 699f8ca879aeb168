package dev.metricsstream.testkit.kubelet;

/**
 * When a series was last sampled, as cAdvisor's housekeeping does it: every {@code periodMillis}, at a phase of its
 * own, so different containers of one node carry different sample timestamps (as in the real captures). A period of
 * 0 samples at the request instant (truncated to whole seconds when {@code wholeSeconds}).
 */
record SampleGrid(long periodMillis, long phaseMillis, boolean wholeSeconds) {

    /** The latest sample time at or before {@code nowMillis}. */
    long latest(long nowMillis) {
        if (periodMillis == 0) {
            return wholeSeconds ? nowMillis - Math.floorMod(nowMillis, 1000L) : nowMillis;
        }
        return phaseMillis + Math.floorDiv(nowMillis - phaseMillis, periodMillis) * periodMillis;
    }

    /** A grid with a phase derived from {@code hash}. */
    static SampleGrid of(long periodMillis, boolean wholeSeconds, long hash) {
        if (periodMillis == 0) {
            return new SampleGrid(0, 0, wholeSeconds);
        }
        long phase = wholeSeconds
                ? Math.floorMod(hash, Math.max(1, periodMillis / 1000)) * 1000
                : Math.floorMod(hash, periodMillis);
        return new SampleGrid(periodMillis, phase, wholeSeconds);
    }
}
