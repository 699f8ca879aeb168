package dev.metricsstream.aggregator.rate;

import java.util.Optional;

/**
 * The network receive/transmit rate from cumulative counters, with the CPU rule's restart and replay handling
 * ({@link RateRule}) as one pure function from (stored points, new point) to an explicit outcome:
 * <ul>
 *   <li>nothing stored: remember the point, no rate yet;</li>
 *   <li>a point not newer than the stored last one (duplicate, replay, cached kubelet answer): the stored points
 *       and their rate stay as they are, nothing new comes out;</li>
 *   <li>a start time other than the stored one (the pod was recreated, the node rebooted): start over from this
 *       point, no rate;</li>
 *   <li>a counter below the stored one (the pod's network namespace was recreated, a counter wrapped): start over
 *       from this point, no rate;</li>
 *   <li>otherwise rate = Δbytes / Δt over the kubelet's own sample times, in double precision.</li>
 * </ul>
 * There is no fresh-start baseline as for containers: a pod's first counter point already counts traffic from
 * before its first sample (the sandbox exists before its containers), so (start time, 0) is not a true point.
 */
public final class NetworkRateRule {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private NetworkRateRule() {
    }

    /** What the rule decided: the points to remember and, when one exists, the rate. */
    public sealed interface Outcome {
        CounterPoints stored();

        default Optional<NetworkRate> rate() {
            return Optional.empty();
        }
    }

    /** A newer point of the same lifetime; the stored last point becomes the previous one. */
    public record Rate(CounterPoints stored, NetworkRate networkRate) implements Outcome {
        @Override
        public Optional<NetworkRate> rate() {
            return Optional.of(networkRate);
        }
    }

    /** Nothing stored before: remember the point. */
    public record FirstPoint(CounterPoints stored) implements Outcome {
    }

    /** The start time moved: a new lifetime, start over from this point. */
    public record StartedOver(CounterPoints stored) implements Outcome {
    }

    /** A counter went down: start over from this point. */
    public record CounterDecreased(CounterPoints stored) implements Outcome {
    }

    /** Not newer than the stored last point: nothing changes; the stored rate, if any, still holds. */
    public record NotNewer(CounterPoints stored) implements Outcome {
        @Override
        public Optional<NetworkRate> rate() {
            return NetworkRateRule.rate(stored);
        }
    }

    public static Outcome apply(CounterPoints stored, CounterPoint incoming) {
        if (stored == null) {
            return new FirstPoint(CounterPoints.only(incoming));
        }
        CounterPoint last = stored.last();
        if (incoming.timestampMillis() <= last.timestampMillis()) {
            return new NotNewer(stored);
        }
        if (incoming.startTimeMillis() != last.startTimeMillis()) {
            return new StartedOver(CounterPoints.only(incoming));
        }
        if (incoming.receiveBytes() < last.receiveBytes() || incoming.transmitBytes() < last.transmitBytes()) {
            return new CounterDecreased(CounterPoints.only(incoming));
        }
        CounterPoints points = new CounterPoints(last, incoming);
        return new Rate(points, rate(points).orElseThrow());
    }

    /** The rate between the stored points; empty without a previous point. */
    public static Optional<NetworkRate> rate(CounterPoints points) {
        CounterPoint previous = points.previous();
        if (previous == null) {
            return Optional.empty();
        }
        CounterPoint last = points.last();
        long windowMillis = last.timestampMillis() - previous.timestampMillis();
        if (windowMillis <= 0) {
            return Optional.empty();
        }
        double seconds = windowMillis / 1000.0;
        return Optional.of(new NetworkRate((last.receiveBytes() - previous.receiveBytes()) / seconds,
                (last.transmitBytes() - previous.transmitBytes()) / seconds, last.timestampMillis(),
                windowMillis * NANOS_PER_MILLI));
    }
}
