package dev.metricsstream.gateway.select;

/** A label or field selector that does not parse or validate; the message says what is wrong. */
public final class SelectorException extends IllegalArgumentException {
    public SelectorException(String message) {
        super(message);
    }
}
