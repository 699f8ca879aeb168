package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(NodeScrape.class, SampleRecords.fullScrape()),
                Arguments.of(NodeScrape.class, SampleRecords.minimalScrape()),
                Arguments.of(NodeMetrics.class, SampleRecords.nodeMetrics()),
                Arguments.of(PodMetrics.class, SampleRecords.podMetrics()),
                Arguments.of(MetricsWindow.class, SampleRecords.podWindow()),
                Arguments.of(MetricsWindow.class, SampleRecords.nodeWindow()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void every_record_survives_a_round_trip_unchanged(Class<T> type, T record) {
        AvroSerde<T> serde = AvroSerde.of(type);

        byte[] bytes = serde.serialize("t", record);
        T decoded = serde.deserialize("t", bytes);

        assertEquals(record, decoded);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void decoding_into_a_reused_record_with_strings_from_a_source_gives_the_same_record(
            Class<T> type, T record) {
        AvroSerde<T> serde = AvroSerde.of(type);
        List<String> asked = new java.util.ArrayList<>();
        StringSource strings = (utf8, offset, length) -> {
            String value = new String(utf8, offset, length, java.nio.charset.StandardCharsets.UTF_8);
            asked.add(value);
            return value;
        };
        // the reused record holds another record's values first: every one of them must be overwritten
        T other = serde.deserialize("t", serde.serialize("t", (T) records()
                .map(arguments -> arguments.get()[1]).filter(type::isInstance)
                .filter(candidate -> !candidate.equals(record)).findFirst().orElse(record)));

        T decoded = serde.deserialize("t", serde.serialize("t", record), other, strings);

        assertEquals(record, decoded);
        assertTrue(!asked.isEmpty(), "strings come from the source");
    }

    @Test
    void nested_pods_containers_maps_and_nulls_come_back_as_written() {
        AvroSerde<NodeScrape> serde = AvroSerde.of(NodeScrape.class);

        NodeScrape decoded = serde.deserialize("t", serde.serialize("t", SampleRecords.fullScrape()));

        assertEquals(2, decoded.getPods().size());
        assertEquals(Map.of("k8s-app", "kube-dns", "pod-template-hash", "7db6d8ff4d"),
                decoded.getPods().get(0).getLabels());
        assertEquals(5_000_000_000L, decoded.getPods().get(0).getContainers().get(0).getCumulativeCpuNanos());
        assertNull(decoded.getPods().get(0).getContainers().get(1).getCumulativeCpuNanos());
        assertNull(decoded.getPods().get(1).getUid());
        assertEquals(List.of(), decoded.getPods().get(1).getContainers());
        assertEquals(3_800L, decoded.getNodeInfo().getAllocatableCpuMillicores());
        assertNull(serde.deserialize("t", serde.serialize("t", SampleRecords.minimalScrape())).getNodeInfo());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T extends SpecificRecord> void payload_is_single_object_encoding_with_the_current_schema_fingerprint(
            Class<T> type, T record) {
        AvroSerde<T> serde = AvroSerde.of(type);

        byte[] bytes = serde.serialize("t", record);

        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(serde.schema()), fingerprint);
    }

    @Test
    void bytes_written_by_avros_own_message_encoder_decode() throws Exception {
        NodeScrape scrape = SampleRecords.fullScrape();
        ByteBuffer written = new BinaryMessageEncoder<NodeScrape>(SpecificData.get(), NodeScrape.getClassSchema())
                .encode(scrape);

        NodeScrape decoded = AvroSerde.of(NodeScrape.class).deserialize("t", toArray(written));

        assertEquals(scrape, decoded);
    }

    @Test
    void avros_own_message_decoder_reads_what_the_serde_writes() throws Exception {
        PodMetrics pod = SampleRecords.podMetrics();
        byte[] bytes = AvroSerde.of(PodMetrics.class).serialize("t", pod);

        PodMetrics decoded = new BinaryMessageDecoder<PodMetrics>(SpecificData.get(), PodMetrics.getClassSchema())
                .decode(bytes);

        assertEquals(pod, decoded);
    }

    @Test
    void a_null_payload_is_a_tombstone_both_ways() {
        AvroSerde<NodeMetrics> serde = AvroSerde.of(NodeMetrics.class);

        assertNull(serde.serialize("node-metrics", null));
        assertNull(serde.deserialize("node-metrics", null));
    }

    @Test
    void the_serde_is_its_own_kafka_serializer_and_deserializer() {
        AvroSerde<NodeMetrics> serde = AvroSerde.of(NodeMetrics.class);
        NodeMetrics node = SampleRecords.nodeMetrics();

        byte[] bytes = serde.serializer().serialize("node-metrics", node);

        assertEquals(node, serde.deserializer().deserialize("node-metrics", bytes));
        assertArrayEquals(bytes, serde.serialize("node-metrics", node), "encoding is deterministic");
    }

    @Test
    void a_record_missing_a_required_field_fails_to_encode_with_the_topic_named() {
        NodeMetrics incomplete = new NodeMetrics();
        AvroSerde<NodeMetrics> serde = AvroSerde.of(NodeMetrics.class);

        SerializationException error = assertThrows(SerializationException.class,
                () -> serde.serialize("node-metrics", incomplete));

        assertTrue(error.getMessage().contains("'node-metrics'"), error.getMessage());
    }

    @Test
    void the_decoder_knows_every_history_version() {
        for (Class<? extends SpecificRecord> type : SchemaCatalog.recordClasses()) {
            AvroSerde<? extends SpecificRecord> serde = AvroSerde.of(type);
            List<Schema> history = SchemaHistory.versions(serde.schema().getName());
            long distinct = Stream.concat(history.stream(), Stream.of(serde.schema()))
                    .map(SchemaNormalization::parsingFingerprint64).distinct().count();
            assertEquals(distinct, serde.knownWriterSchemas(), type.getSimpleName());
        }
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
