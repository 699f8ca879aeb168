package dev.metricsstream.schemas;

/**
 * Where {@link AvroSerde#deserialize(String, byte[], org.apache.avro.specific.SpecificRecord, StringSource)} gets
 * the Strings it decodes: a reader that sees the same strings over and over (label keys and values, names) can hand
 * out a String it made before for the same bytes instead of a new one. Called on the decoding thread only.
 */
@FunctionalInterface
public interface StringSource {
    /** The string whose UTF-8 encoding is {@code utf8[offset, offset + length)}; the array must not be kept. */
    String string(byte[] utf8, int offset, int length);
}
