package dev.metricsstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.metricsstream.collector.ops.CollectorMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reasons {@link CollectorMetrics} starts at 0 are every reason the code raises: a reason added to the code but
 * not to the lists would again appear only with its first occurrence, invisible to {@code increase()}.
 */
class KnownLabelValuesTest {
    static final Path SOURCES = Path.of("src", "main", "java");

    @Test
    void every_scrape_exception_reason_in_the_code_is_a_known_label_value() throws IOException {
        Set<String> known = new HashSet<>(CollectorMetrics.scrapeErrorReasons());
        known.addAll(CollectorMetrics.METADATA_ERROR_REASONS);
        Set<String> raised = literals(Pattern.compile("new ScrapeException\\(\"([a-z0-9_]+)\""));
        raised.removeIf(r -> r.startsWith("http_")); // "http_" + status: the usual statuses are listed
        assertFalse(raised.isEmpty());
        raised.removeAll(known);
        assertEquals(Set.of(), raised, "raised but not started at 0 in CollectorMetrics");
    }

    @Test
    void every_parse_problem_reason_in_the_code_is_a_known_label_value() throws IOException {
        Set<String> known = new HashSet<>();
        CollectorMetrics.PARSE_PROBLEM_REASONS.values().forEach(known::addAll);
        Set<String> counted = literals(Pattern.compile("problems\\.count\\(\"([a-z0-9_]+)\""));
        assertFalse(counted.isEmpty());
        counted.removeAll(known);
        assertEquals(Set.of(), counted, "counted but not started at 0 in CollectorMetrics");
    }

    @Test
    void every_decode_failure_and_loop_reason_in_the_code_is_a_known_label_value() throws IOException {
        Set<String> known = new HashSet<>(CollectorMetrics.DECODE_FAILURE_REASONS);
        known.addAll(CollectorMetrics.LOOP_ERROR_REASONS);
        Set<String> raised = literals(Pattern.compile("(?:failed\\([^;]*?|failure = |scrapeSkipped\\()\"([a-z0-9_]+)\""));
        assertFalse(raised.isEmpty());
        raised.removeAll(known);
        assertEquals(Set.of(), raised, "raised but not started at 0 in CollectorMetrics");
    }

    private static Set<String> literals(Pattern pattern) throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = pattern.matcher(Files.readString(file));
                while (matcher.find()) {
                    found.add(matcher.group(1));
                }
            }
        }
        return found;
    }
}
