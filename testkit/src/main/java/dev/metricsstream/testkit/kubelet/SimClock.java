package dev.metricsstream.testkit.kubelet;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A settable clock for tests: time stands still until the test moves it, so a test can "wait" 15 s without
 * sleeping. Thread-safe. Pass it to {@link KubeletSimulator.Builder#clock(InstantSource)} (and to the code under
 * test, if it should share the simulated time).
 */
public final class SimClock implements InstantSource {

    private volatile Instant now;

    private SimClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** A clock standing at {@code start}. */
    public static SimClock at(Instant start) {
        return new SimClock(start);
    }

    /** A clock standing at {@code 2026-11-21T12:00:00Z}, whole seconds, for reproducible tests. */
    public static SimClock fixed() {
        return new SimClock(Instant.parse("2026-11-21T12:00:00Z"));
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves the clock forward (a negative duration is refused: kubelet time does not run backwards). */
    public synchronized Instant advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move the clock backwards: " + duration);
        }
        now = now.plus(duration);
        return now;
    }

    /** Moves the clock to {@code instant}, which must not be earlier than now. */
    public synchronized void set(Instant instant) {
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("cannot move the clock backwards from " + now + " to " + instant);
        }
        now = instant;
    }

    @Override
    public String toString() {
        return "SimClock[" + now + "]";
    }
}
