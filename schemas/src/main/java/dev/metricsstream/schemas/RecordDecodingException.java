package dev.metricsstream.schemas;

import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The one exception a consumer sees for a payload that cannot be decoded. Its message names the topic and a
 * short reason; {@link #reason()} is stable enough to be a metric label or a log key.
 */
public final class RecordDecodingException extends SerializationException {

    /** Why a payload was rejected. {@link #label()} is the stable lower-case name used in logs and metrics. */
    public enum Reason {
        /** Not an Avro single-object payload: too short for the header or wrong magic bytes. */
        BAD_HEADER,
        /** The header names a schema fingerprint this decoder does not know. */
        UNKNOWN_SCHEMA,
        /** The payload ends before the record does. */
        TRUNCATED,
        /** The payload, or a length or item count declared inside it, is larger than allowed or possible. */
        TOO_LARGE,
        /** Anything else the Avro body does not make sense as: bad varint, enum or union index, trailing bytes. */
        MALFORMED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final String topic;
    private final Reason reason;

    public RecordDecodingException(String topic, String recordName, Reason reason, String detail, Throwable cause) {
        super("cannot decode " + recordName + " from topic '" + topic + "': " + reason.label() + " (" + detail + ")",
                cause);
        this.topic = topic;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The topic the payload was read from (as given to the deserializer, may be null). */
    public String topic() {
        return topic;
    }

    public Reason reason() {
        return reason;
    }
}
