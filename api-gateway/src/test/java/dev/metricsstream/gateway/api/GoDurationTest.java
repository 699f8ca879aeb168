package dev.metricsstream.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

    /** Expected strings are Go's own (time_test.go durationTests) plus the windows seen in real captures. */
    @ParameterizedTest(name = "{0} ns -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0|0s",
        "1|1ns",
        "999|999ns",
        "1000|1µs",
        "1100|1.1µs",
        "999999|999.999µs",
        "1000000|1ms",
        "1000001|1.000001ms",
        "2200000|2.2ms",
        "999999999|999.999999ms",
        "1000000000|1s",
        "3300000000|3.3s",
        "15012000000|15.012s",
        "20064000000|20.064s",
        "10059000000|10.059s",
        "30000000000|30s",
        "59999999999|59.999999999s",
        "60000000000|1m0s",
        "245000000000|4m5s",
        "245001000000|4m5.001s",
        "480000000001|8m0.000000001s",
        "3600000000000|1h0m0s",
        "18367001000000|5h6m7.001s",
        "9223372036854775807|2562047h47m16.854775807s",
        "-1|-1ns",
        "-1100|-1.1µs",
        "-60000000000|-1m0s",
        "-9223372036854775808|-2562047h47m16.854775808s",
    })
    void formats_like_go_time_duration_string(long nanos, String expected) {
        assertEquals(expected, GoDuration.format(nanos));
    }
}
