package dev.metricsstream.aggregator.rate;

/**
 * One kubelet sample of a pod's or node's cumulative network counters (the Summary API's {@code network}).
 *
 * @param startTimeMillis  when the pod (or node) started, its counters count from then; {@code 0} when unknown
 * @param timestampMillis  when the kubelet read the counters ({@code network.time})
 * @param receiveBytes     bytes received since the start
 * @param transmitBytes    bytes sent since the start
 */
public record CounterPoint(long startTimeMillis, long timestampMillis, long receiveBytes, long transmitBytes) {

    public CounterPoint {
        if (receiveBytes < 0 || transmitBytes < 0) {
            throw new IllegalArgumentException("network counters must not be negative, got " + receiveBytes + "/"
                    + transmitBytes);
        }
    }
}
