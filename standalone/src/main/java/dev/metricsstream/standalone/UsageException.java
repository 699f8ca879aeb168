package dev.metricsstream.standalone;

/** A bad command line or an unusable setting: reported as one line on stderr, exit code 2, no stack trace. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
