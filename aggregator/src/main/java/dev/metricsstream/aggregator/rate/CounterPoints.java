package dev.metricsstream.aggregator.rate;

import java.util.Objects;

/** The network counter points remembered between scrapes; {@code previous} is null while no rate exists. */
public record CounterPoints(CounterPoint previous, CounterPoint last) {

    public CounterPoints {
        Objects.requireNonNull(last, "last");
    }

    static CounterPoints only(CounterPoint last) {
        return new CounterPoints(null, last);
    }
}
