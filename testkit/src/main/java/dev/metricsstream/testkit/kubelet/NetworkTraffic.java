package dev.metricsstream.testkit.kubelet;

/**
 * The simulated network traffic: each pod (by uid) and each node (by name) sends and receives at a constant rate
 * derived from the seed, and its counters are that rate times the whole seconds between its start and the sample
 * time the kubelet reports ({@code network.time}, whole seconds on the wire). So the rate over any two reported
 * samples is exactly the true rate, which {@link KubeletSimulator#networkTruth()} gives.
 */
final class NetworkTraffic {

    private NetworkTraffic() {
    }

    static long receiveBytesPerSecond(long hash) {
        return 2_000 + Math.floorMod(hash, 60_000);
    }

    static long transmitBytesPerSecond(long hash) {
        return 500 + Math.floorMod(hash >>> 20, 20_000);
    }

    /** The cumulative counter at {@code sampleMillis}: rate × whole reported seconds since the start. */
    static long bytes(long bytesPerSecond, long startMillis, long sampleMillis) {
        return bytesPerSecond * Math.max(0, Math.floorDiv(sampleMillis, 1000L) - Math.floorDiv(startMillis, 1000L));
    }
}
