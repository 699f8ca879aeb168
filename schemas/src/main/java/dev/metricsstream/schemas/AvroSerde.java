package dev.metricsstream.schemas;

import dev.metricsstream.schemas.RecordDecodingException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record type in Avro single-object encoding: {@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the binary body. The encoder is Avro's
 * {@link BinaryMessageEncoder}; any other single-object decoder reads what it writes. The decoder knows the
 * current schema and every version in {@link SchemaHistory}, so records written by older producers decode into
 * the current class.
 *
 * <p>The decoder parses the header itself and reads the body through a {@link BoundedDecoder}, so a corrupt or
 * hostile payload fails with one {@link RecordDecodingException} and never makes it allocate more than a small
 * multiple of the payload size (Avro's own message decoder trusts declared lengths up to a fraction of the heap).
 * A null payload is a tombstone and decodes to null; null encodes to null.
 *
 * <p>Instances are immutable and thread-safe; one per record type is enough for a whole process.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Largest payload the deserializer accepts (Kafka's default max.message.bytes is 1 MiB). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

    static final byte MAGIC_0 = (byte) 0xC3;
    static final byte MAGIC_1 = (byte) 0x01;
    static final int HEADER_BYTES = 10;

    static {
        AvroTrust.ensureInstalled();
    }

    private final Class<T> type;
    private final String recordName;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final Map<Long, SpecificDatumReader<T>> readersByFingerprint;
    private final int maxPayloadBytes;

    private AvroSerde(Class<T> type, Collection<Schema> extraWriterSchemas, int maxPayloadBytes) {
        if (maxPayloadBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("maxPayloadBytes must be at least " + HEADER_BYTES);
        }
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.recordName = schema.getName();
        this.encoder = new BinaryMessageEncoder<>(encodingModel(type), schema);
        this.maxPayloadBytes = maxPayloadBytes;
        List<Schema> writers = new ArrayList<>(SchemaHistory.versions(recordName));
        writers.addAll(extraWriterSchemas);
        writers.add(schema);
        Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
        for (Schema writer : writers) {
            readers.put(SchemaNormalization.parsingFingerprint64(writer),
                    new SpecificDatumReader<>(writer, schema, model));
        }
        this.readersByFingerprint = Map.copyOf(readers);
    }

    /**
     * The model the encoder writes with: the generated classes' own {@code customEncode}, which writes the fields in
     * schema order with no per-field schema walk, union resolution or {@code get(int)} boxing ({@code
     * GenericDatumWriter} was a quarter of the aggregator's per-scrape CPU). The bytes are the same (a test compares
     * them per record type). A model of its own, because Avro reads the switch from a shared per-class model, whose
     * readers must keep their decoding path.
     */
    private static SpecificData encodingModel(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        model.setCustomCoders(true);
        return model;
    }

    /** The serde for a generated record class, knowing its schema history. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, List.of(), DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * The serde for a record class that also decodes data written with the given extra writer schemas (beyond
     * the schema history), e.g. a schema another team still produces with.
     */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Collection<Schema> extraWriterSchemas,
                                                             int maxPayloadBytes) {
        return new AvroSerde<>(type, List.copyOf(extraWriterSchemas), maxPayloadBytes);
    }

    public Class<T> type() {
        return type;
    }

    /** The current (reader and writer) schema. */
    public Schema schema() {
        return schema;
    }

    /** Number of writer schemas this decoder recognises (history plus current, duplicates counted once). */
    public int knownWriterSchemas() {
        return readersByFingerprint.size();
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schemas are compiled in
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + recordName + " for topic '" + topic + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] payload) {
        return deserialize(topic, payload, null, null);
    }

    /**
     * Decodes like {@link #deserialize(String, byte[])}, for a single-threaded reader that wants less garbage: the
     * record is decoded into {@code reuse} (a record this serde returned before, or null; its fields, lists and maps
     * are overwritten, so nothing of it may still be in use) and strings come from {@code strings} (null: a new
     * String each).
     */
    public T deserialize(String topic, byte[] payload, T reuse, StringSource strings) {
        if (payload == null) {
            return null;
        }
        if (payload.length > maxPayloadBytes) {
            throw failure(topic, Reason.TOO_LARGE,
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes, null);
        }
        if (payload.length < 2 || payload[0] != MAGIC_0 || payload[1] != MAGIC_1) {
            throw failure(topic, Reason.BAD_HEADER, "expected single-object magic C3 01, got "
                    + HexFormat.of().formatHex(payload, 0, Math.min(2, payload.length)), null);
        }
        if (payload.length < HEADER_BYTES) {
            throw failure(topic, Reason.TRUNCATED,
                    "payload of " + payload.length + " bytes is shorter than the 10-byte header", null);
        }
        long fingerprint = ByteBuffer.wrap(payload, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readersByFingerprint.get(fingerprint);
        if (reader == null) {
            throw failure(topic, Reason.UNKNOWN_SCHEMA,
                    "writer schema fingerprint " + String.format("%016x", fingerprint) + " is not one of "
                            + readersByFingerprint.size() + " known versions", null);
        }
        return readBody(topic, reader, payload, reuse, strings);
    }

    private T readBody(String topic, SpecificDatumReader<T> reader, byte[] payload, T reuse, StringSource strings) {
        BoundedDecoder body = new BoundedDecoder(payload, HEADER_BYTES, payload.length - HEADER_BYTES,
                maxPayloadBytes, strings);
        T record;
        try {
            record = reader.read(reuse, body);
        } catch (BoundedDecoder.DeclaredTooLargeException | SystemLimitException e) {
            throw failure(topic, Reason.TOO_LARGE, e.getMessage(), e);
        } catch (EOFException e) {
            throw failure(topic, Reason.TRUNCATED, "payload ends inside the record body: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            // bad varints, enum or union indexes out of range, ... (Avro reports these with assorted types)
            throw failure(topic, Reason.MALFORMED, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        int trailing = body.remainingBytes();
        if (trailing != 0) {
            throw failure(topic, Reason.MALFORMED, trailing + " bytes left over after the record", null);
        }
        return record;
    }

    private RecordDecodingException failure(String topic, Reason reason, String detail, Throwable cause) {
        return new RecordDecodingException(topic, recordName, reason, detail, cause);
    }

    @Override
    public String toString() {
        return "AvroSerde[" + recordName + ", " + readersByFingerprint.size() + " writer schemas]";
    }
}
