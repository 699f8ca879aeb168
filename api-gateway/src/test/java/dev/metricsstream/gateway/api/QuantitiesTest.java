package dev.metricsstream.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings: what apimachinery's Quantity.String() gives for metrics-server's constructions. */
class QuantitiesTest {

    @ParameterizedTest(name = "{0} nanocores -> {1}")
    @CsvSource({
        "0, 0",
        "1, 1n",
        "487558164, 487558164n",
        "9559630, 9559630n",
        "1000, 1u",
        "1230, 1230n",
        "500000000, 500m",
        "1000000000, 1",
        "1500000000, 1500m",
        "64000000000, 64",
    })
    void cpu_is_a_canonical_decimal_quantity_of_nanocores(long nanocores, String expected) {
        assertEquals(expected, Quantities.cpu(nanocores));
    }

    @ParameterizedTest(name = "{0} bytes -> {1}")
    @CsvSource({
        "0, 0",
        "512, 512",
        "1000, 1k",
        "1023, 1023",
        "1024, 1Ki",
        "1025, 1025",
        "1500, 1500",
        "749785088, 732212Ki",
        "2814136320, 2748180Ki",
        "1048576, 1Mi",
        "1073741824, 1Gi",
        "1000000, 1000000",
    })
    void memory_is_a_canonical_binary_quantity_of_bytes(long bytes, String expected) {
        assertEquals(expected, Quantities.memory(bytes));
    }
}
