package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.avro.ContainerSample;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.avro.ScrapeSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The guard that keeps every schema change compatible and recorded in schema-history/. */
class SchemaEvolutionTest {

    static Stream<Schema> currentSchemas() {
        return SchemaCatalog.currentSchemas().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentSchemas")
    void current_schema_reads_every_earlier_version_and_every_earlier_version_reads_it(Schema current) {
        List<Schema> history = SchemaHistory.versions(current.getName());

        List<String> problems = SchemaCompatibilityCheck.problems(current, history);

        assertEquals(List.of(), problems, current.getName() + " is not compatible with its history");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("currentSchemas")
    void newest_history_version_is_the_current_schema(Schema current) throws IOException {
        String name = current.getName();
        List<Schema> history = SchemaHistory.versions(name);
        Schema newest = history.get(history.size() - 1);
        Path source = Path.of("src", "main", "avro", name + ".avsc");
        Schema edited = new Schema.Parser().parse(Files.readString(source));

        String instruction = "src/main/avro/" + name + ".avsc differs from "
                + SchemaHistory.resourcePath(name, history.size()) + ": copy the new schema to "
                + SchemaHistory.resourcePath(name, history.size() + 1) + " (in src/main/resources)";
        assertEquals(newest, edited, instruction);
        assertEquals(SchemaNormalization.parsingFingerprint64(newest), SchemaNormalization.parsingFingerprint64(current),
                "generated class out of date with " + source + "; " + instruction);
    }

    @Test
    void every_record_on_our_topics_has_a_history() {
        for (Schema schema : SchemaCatalog.currentSchemas()) {
            assertFalse(SchemaHistory.versions(schema.getName()).isEmpty(), schema.getName());
        }
    }

    @Test
    void the_check_fails_when_a_field_changes_type() {
        Schema changed = testSchema("incompatible/NodeMetrics-cpu-changed-to-string.avsc");

        List<String> problems = SchemaCompatibilityCheck.problems(changed, SchemaHistory.versions("NodeMetrics"));

        assertEquals(2, problems.size(), "incompatible in both directions: " + problems);
        assertTrue(problems.get(0).contains("cpuNanocores"), problems.get(0));
    }

    @Test
    void the_check_fails_when_a_required_field_without_default_is_added() {
        Schema added = testSchema("incompatible/PodMetrics-required-field-added.avsc");

        List<String> problems = SchemaCompatibilityCheck.problems(added, SchemaHistory.versions("PodMetrics"));

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("current cannot read data written with v1"), problems.get(0));
        assertTrue(problems.get(0).contains("qosClass"), problems.get(0));
    }

    @Test
    void the_check_fails_when_a_required_field_is_removed() {
        Schema removed = testSchema("incompatible/NodeScrape-required-field-removed.avsc");

        List<String> problems = SchemaCompatibilityCheck.problems(removed, SchemaHistory.versions("NodeScrape"));

        // one problem per history version: none of them can read it
        assertEquals(SchemaHistory.versions("NodeScrape").size(), problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("v1 cannot read data written with current"), problems.get(0));
        for (String problem : problems) {
            assertTrue(problem.contains("scrapeTimeMillis"), problem);
        }
    }

    @Test
    void bytes_written_with_the_v1_history_schema_decode_into_the_current_class() throws IOException {
        Schema v1 = SchemaHistory.versions("NodeScrape").get(0);
        NodeScrape original = SampleRecords.fullScrape();
        // an old producer: a generic record built against v1 only, encoded with v1's fingerprint
        GenericRecord asV1 = (GenericRecord) GenericData.get().deepCopy(v1,
                SpecificData.get().deepCopy(NodeScrape.getClassSchema(), original));
        byte[] bytes = AvroSerdeTest.toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1)
                .encode(asV1));

        NodeScrape decoded = AvroSerde.of(NodeScrape.class).deserialize("kubelet-scrapes", bytes);

        assertEquals(original, decoded);
    }

    @Test
    void bytes_from_an_older_writer_schema_decode_with_defaults_for_fields_it_lacked() throws IOException {
        Schema older = testSchema("older-writers/NodeMetrics-before-labels.avsc");
        GenericRecord old = new GenericData.Record(older);
        old.put("nodeName", "node-a");
        old.put("timestampMillis", 1_763_699_999_001L);
        old.put("windowNanos", 20_064_000_000L);
        old.put("cpuNanocores", 487_558_164L);
        old.put("memoryWorkingSetBytes", 749_785_088L);
        byte[] bytes = AvroSerdeTest.toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older)
                .encode(old));
        AvroSerde<NodeMetrics> serde = AvroSerde.of(NodeMetrics.class, List.of(older),
                AvroSerde.DEFAULT_MAX_PAYLOAD_BYTES);

        NodeMetrics decoded = serde.deserialize("node-metrics", bytes);

        assertEquals("node-a", decoded.getNodeName());
        assertEquals(487_558_164L, decoded.getCpuNanocores());
        assertEquals(Map.of(), decoded.getLabels(), "labels take their default");
        assertEquals(RecordDecodingException.Reason.UNKNOWN_SCHEMA,
                assertThrows(RecordDecodingException.class,
                        () -> AvroSerde.of(NodeMetrics.class).deserialize("node-metrics", bytes)).reason(),
                "without registering the older schema its fingerprint is unknown");
    }

    @Test
    void all_generated_classes_are_trusted_by_avro() {
        AvroTrust.ensureInstalled();
        AvroTrust.ensureInstalled();

        for (Class<?> generated : AvroTrust.trustedClasses()) {
            ClassSecurityValidator.validate(generated);
        }
        assertTrue(AvroTrust.trustedClasses().containsAll(List.of(NodeScrape.class, PodMetrics.class,
                ContainerSample.class, ScrapeSource.class, EntityKind.class)), AvroTrust.trustedClasses().toString());
        assertEquals(16, AvroTrust.trustedClasses().size(), AvroTrust.trustedClasses().toString());
    }

    private static Schema testSchema(String resource) {
        try (InputStream in = SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
