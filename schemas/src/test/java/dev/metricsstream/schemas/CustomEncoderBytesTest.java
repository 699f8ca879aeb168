package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serde encodes with the generated classes' {@code customEncode}; what it writes must be byte for byte what
 * Avro's schema-driven writer writes, for every topic record type, with every union both null and set, empty and
 * full maps and arrays, and non-ASCII strings.
 */
class CustomEncoderBytesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {NodeScrape.class, NodeUsage.class, NodeMetrics.class, PodMetrics.class,
            MetricsWindow.class})
    <T extends SpecificRecord> void the_bytes_equal_avros_schema_driven_writer(Class<T> type) throws Exception {
        SpecificData plain = SpecificData.getForClass(type);
        assertFalse(plain.useCustomCoders(), "the reference writer must be the schema-driven one");
        Schema schema = plain.getSchema(type);
        BinaryMessageEncoder<T> reference = new BinaryMessageEncoder<>(plain, schema);
        AvroSerde<T> serde = AvroSerde.of(type);
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            @SuppressWarnings("unchecked")
            T record = (T) fill(schema, random, plain);
            ByteBuffer expected = reference.encode(record);
            byte[] want = new byte[expected.remaining()];
            expected.get(want);
            byte[] got = serde.serialize("t", record);
            assertArrayEquals(want, got, "record " + i + ": " + record);
            assertEquals(record, serde.deserialize("t", got));
        }
    }

    /** A record of the schema with random values: unions null or set, collections of 0 to 3 elements. */
    private static Object fill(Schema schema, Random random, SpecificData data) {
        switch (schema.getType()) {
            case RECORD -> {
                SpecificRecord record = (SpecificRecord) data.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), fill(field.schema(), random, data));
                }
                return record;
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes();
                return fill(branches.get(random.nextInt(branches.size())), random, data);
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    list.add(fill(schema.getElementType(), random, data));
                }
                return list;
            }
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int n = random.nextInt(4); n > 0; n--) {
                    map.put(text(random), fill(schema.getValueType(), random, data));
                }
                return map;
            }
            case ENUM -> {
                List<String> symbols = schema.getEnumSymbols();
                return data.createEnum(symbols.get(random.nextInt(symbols.size())), schema);
            }
            case STRING -> {
                return text(random);
            }
            case LONG -> {
                return random.nextInt(3) == 0 ? random.nextLong() : (long) random.nextInt(1000);
            }
            case INT -> {
                return random.nextInt();
            }
            case DOUBLE -> {
                return random.nextDouble() * 1e6;
            }
            case FLOAT -> {
                return random.nextFloat();
            }
            case BOOLEAN -> {
                return random.nextBoolean();
            }
            case NULL -> {
                return null;
            }
            case BYTES -> {
                byte[] bytes = new byte[random.nextInt(5)];
                random.nextBytes(bytes);
                return ByteBuffer.wrap(bytes);
            }
            default -> throw new IllegalArgumentException("no filler for " + schema.getType());
        }
    }

    private static String text(Random random) {
        String[] words = {"", "app", "kube-system", "größe", "名前", "a.b/c-d_e", "🚀"};
        return words[random.nextInt(words.length)] + random.nextInt(100);
    }
}
