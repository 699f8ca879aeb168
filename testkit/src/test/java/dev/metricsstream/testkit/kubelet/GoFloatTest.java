package dev.metricsstream.testkit.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoFloatTest {

    /** Values as they appear in the real captures and in kubernetes' resource_metrics_test.go. */
    @ParameterizedTest
    @CsvSource({
        "37474304, 3.7474304e+07",
        "1704801651.080639, 1.704801651080639e+09",
        "1704801726.8389955, 1.7048017268389955e+09",
        "5716.152579, 5716.152579",
        "0.092544, 0.092544",
        "2642427904, 2.642427904e+09",
        "585728, 585728",
        "10, 10",
        "1000, 1000",
        "1624396248.3020916, 1.6243962483020916e+09",
        "100000000, 1e+08",
        "1234567, 1.234567e+06",
        "123456, 123456",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "0.000012345, 1.2345e-05",
        "-2.5, -2.5",
        "0, 0",
        "1, 1"
    })
    void formats_like_go_strconv_g_shortest(double value, String expected) {
        assertEquals(expected, GoFloat.format(value));
    }

    @Test
    void special_values_are_written_as_the_text_format_spells_them() {
        assertEquals("NaN", GoFloat.format(Double.NaN));
        assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFloat.format(Double.NEGATIVE_INFINITY));
    }

    @Test
    void every_formatted_value_parses_back_to_the_same_double() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double value = switch (i % 3) {
                case 0 -> random.nextLong(1L << 50) / 1e9;
                case 1 -> (double) random.nextLong(1L << 40);
                default -> Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL);
            };
            assertEquals(value, Double.parseDouble(GoFloat.format(value)), () -> "round trip of " + value);
        }
    }
}
