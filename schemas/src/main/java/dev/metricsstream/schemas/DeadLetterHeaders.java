package dev.metricsstream.schemas;

/**
 * Header names on {@code kubelet-scrapes-dlq} records. The record itself is the key and value exactly as read;
 * these headers say where it came from and why it was set aside. Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {

    /** Topic the record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** Partition it was read from (decimal). */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** Offset it was read at (decimal). */
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** The stable reason label, e.g. {@link RecordDecodingException.Reason#label()}. */
    public static final String REASON = "dlq.error.reason";
    /** The error message, for people. */
    public static final String MESSAGE = "dlq.error.message";

    private DeadLetterHeaders() {
    }
}
