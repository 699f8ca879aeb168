package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeSample;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.RecordDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BadPayloadTest {

    private static final String TOPIC = "kubelet-scrapes";

    private final AvroSerde<NodeScrape> scrapes = AvroSerde.of(NodeScrape.class);

    @Test
    void wrong_magic_is_a_bad_header() {
        byte[] payload = scrapes.serialize(TOPIC, SampleRecords.fullScrape());
        payload[1] = 0x02;

        RecordDecodingException error = decodeFails(payload);

        assertEquals(Reason.BAD_HEADER, error.reason());
        assertTrue(error.getMessage().contains("c302"), error.getMessage());
    }

    @Test
    void plain_json_is_a_bad_header() {
        RecordDecodingException error = decodeFails("{\"nodeName\":\"node-a\"}".getBytes());

        assertEquals(Reason.BAD_HEADER, error.reason());
    }

    @Test
    void an_empty_payload_is_a_bad_header() {
        assertEquals(Reason.BAD_HEADER, decodeFails(new byte[0]).reason());
    }

    @Test
    void a_header_cut_short_is_truncated() {
        byte[] payload = Arrays.copyOf(scrapes.serialize(TOPIC, SampleRecords.fullScrape()), 6);

        assertEquals(Reason.TRUNCATED, decodeFails(payload).reason());
    }

    @Test
    void an_unknown_fingerprint_is_an_unknown_schema() {
        Schema stranger = SchemaBuilder.record("Stranger").namespace("elsewhere").fields()
                .requiredString("nodeName").endRecord();
        GenericRecord record = new GenericData.Record(stranger);
        record.put("nodeName", "node-a");

        RecordDecodingException error = decodeFails(encode(stranger, record));

        assertEquals(Reason.UNKNOWN_SCHEMA, error.reason());
        assertTrue(error.getMessage().contains("fingerprint"), error.getMessage());
    }

    @Test
    void another_record_types_payload_is_an_unknown_schema() {
        byte[] nodeMetrics = AvroSerde.of(NodeMetrics.class).serialize(TOPIC, SampleRecords.nodeMetrics());

        assertEquals(Reason.UNKNOWN_SCHEMA, decodeFails(nodeMetrics).reason());
    }

    @Test
    void every_cut_of_a_valid_payload_inside_the_body_is_truncated() {
        byte[] payload = scrapes.serialize(TOPIC, SampleRecords.fullScrape());

        for (int length = 10; length < payload.length; length++) {
            RecordDecodingException error = decodeFails(Arrays.copyOf(payload, length));
            assertEquals(Reason.TRUNCATED, error.reason(), "cut at " + length + ": " + error.getMessage());
        }
    }

    @Test
    void an_array_declaring_two_to_the_31_items_is_rejected_without_allocating_it() {
        byte[] payload = scrapeWithPodCount(1L << 31);

        RecordDecodingException error = decodeFails(payload);

        assertEquals(Reason.TOO_LARGE, error.reason(), error.getMessage());
    }

    @Test
    void an_array_declaring_more_items_than_bytes_left_is_rejected_before_allocation() {
        // 2^28 items would be a 1-2 GiB allocation for the list alone; Avro's own limit allows it on a big heap
        byte[] payload = scrapeWithPodCount(1L << 28);

        RecordDecodingException error = decodeFails(payload);

        assertEquals(Reason.TOO_LARGE, error.reason());
        assertTrue(error.getMessage().contains("268435456 items"), error.getMessage());
    }

    @Test
    void a_map_declaring_a_huge_entry_count_is_too_large() {
        // NodeMetrics body: nodeName string, then the labels map's block count
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
        write(() -> {
            out.writeString("node-a");
            out.writeLong(Integer.MAX_VALUE - 16L);
            out.flush();
        });
        byte[] payload = withHeader(NodeMetrics.getClassSchema(), body.toByteArray());

        RecordDecodingException error = assertThrows(RecordDecodingException.class,
                () -> AvroSerde.of(NodeMetrics.class).deserialize("node-metrics", payload));

        assertEquals(Reason.TOO_LARGE, error.reason());
        assertTrue(error.getMessage().contains("'node-metrics'"), error.getMessage());
    }

    @Test
    void a_string_declaring_two_gigabytes_is_too_large() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
        write(() -> {
            out.writeLong(Integer.MAX_VALUE - 16L); // nodeName length
            out.writeFixed(new byte[] {'n', 'o', 'd', 'e'});
            out.flush();
        });

        RecordDecodingException error = decodeFails(withHeader(NodeScrape.getClassSchema(), body.toByteArray()));

        assertEquals(Reason.TOO_LARGE, error.reason());
    }

    @Test
    void a_negative_string_length_is_malformed() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
        write(() -> {
            out.writeLong(-5L);
            out.flush();
        });

        assertEquals(Reason.MALFORMED, decodeFails(withHeader(NodeScrape.getClassSchema(), body.toByteArray())).reason());
    }

    @Test
    void an_out_of_range_enum_index_is_malformed() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
        write(() -> {
            out.writeString("node-a");
            out.writeLong(1L); // scrapeTimeMillis
            out.writeEnum(42); // source: only 4 symbols
            out.flush();
        });

        assertEquals(Reason.MALFORMED, decodeFails(withHeader(NodeScrape.getClassSchema(), body.toByteArray())).reason());
    }

    @Test
    void bytes_after_the_record_are_malformed() {
        byte[] valid = AvroSerde.of(PodMetrics.class).serialize("pod-metrics", SampleRecords.podMetrics());
        byte[] payload = Arrays.copyOf(valid, valid.length + 3);

        RecordDecodingException error = assertThrows(RecordDecodingException.class,
                () -> AvroSerde.of(PodMetrics.class).deserialize("pod-metrics", payload));

        assertEquals(Reason.MALFORMED, error.reason());
        assertTrue(error.getMessage().contains("3 bytes left over"), error.getMessage());
    }

    @Test
    void a_payload_over_the_size_limit_is_too_large_before_anything_is_read() {
        AvroSerde<NodeScrape> small = AvroSerde.of(NodeScrape.class, List.of(), 64);
        byte[] payload = scrapes.serialize(TOPIC, SampleRecords.fullScrape());

        RecordDecodingException error = assertThrows(RecordDecodingException.class,
                () -> small.deserialize(TOPIC, payload));

        assertEquals(Reason.TOO_LARGE, error.reason());
    }

    @Test
    void random_garbage_after_a_valid_header_fails_with_the_one_exception_type() {
        Random random = new Random(20261121L);
        byte[] header = Arrays.copyOf(scrapes.serialize(TOPIC, SampleRecords.fullScrape()), 10);
        for (int i = 0; i < 2_000; i++) {
            byte[] payload = Arrays.copyOf(header, 10 + random.nextInt(300));
            byte[] garbage = new byte[payload.length - 10];
            random.nextBytes(garbage);
            System.arraycopy(garbage, 0, payload, 10, garbage.length);
            try {
                scrapes.deserialize(TOPIC, payload);
            } catch (RecordDecodingException expected) {
                assertTrue(expected.getMessage().contains("'" + TOPIC + "'"));
            }
        }
    }

    @Test
    void the_exception_is_a_kafka_serialization_exception_naming_topic_reason_and_record() {
        RecordDecodingException error = decodeFails(new byte[] {1, 2, 3});

        assertInstanceOf(SerializationException.class, error);
        assertEquals(TOPIC, error.topic());
        assertEquals("bad-header", error.reason().label());
        assertTrue(error.getMessage().startsWith("cannot decode NodeScrape from topic 'kubelet-scrapes': bad-header"),
                error.getMessage());
    }

    @Test
    void reason_labels_are_stable() {
        assertEquals(List.of("bad-header", "unknown-schema", "truncated", "too-large", "malformed"),
                Arrays.stream(Reason.values()).map(Reason::label).toList());
    }

    private RecordDecodingException decodeFails(byte[] payload) {
        return assertThrows(RecordDecodingException.class, () -> scrapes.deserialize(TOPIC, payload));
    }

    /** A NodeScrape body up to its pods array, which declares {@code count} items and holds none. */
    private static byte[] scrapeWithPodCount(long count) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
        write(() -> {
            out.writeString("node-a");
            out.writeLong(1L);   // scrapeTimeMillis
            out.writeEnum(1);    // source
            for (int i = 0; i < NodeSample.getClassSchema().getFields().size(); i++) {
                out.writeIndex(0); // every NodeSample field null
            }
            out.writeLong(count); // pods: block count, then nothing
            out.flush();
        });
        return withHeader(NodeScrape.getClassSchema(), body.toByteArray());
    }

    private static byte[] withHeader(Schema writer, byte[] body) {
        byte[] header = Arrays.copyOf(encodeEmptyHeader(writer), 10);
        byte[] payload = Arrays.copyOf(header, 10 + body.length);
        System.arraycopy(body, 0, payload, 10, body.length);
        return payload;
    }

    private static byte[] encodeEmptyHeader(Schema writer) {
        ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0xC3).put((byte) 0x01).putLong(SchemaNormalization.parsingFingerprint64(writer));
        return header.array();
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            return AvroSerdeTest.toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
