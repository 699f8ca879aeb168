package dev.metricsstream.collector.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A small, strict-but-tolerant parser of the Prometheus text exposition format (version 0.0.4), enough for the
 * kubelet's {@code /metrics/resource} and {@code /metrics/cadvisor}: comments ({@code # HELP}/{@code # TYPE}, with
 * or without {@code [ALPHA]}/{@code [STABLE]}), labels in any order with the escapes {@code \\ \" \n}, values with
 * exponents, {@code NaN}, {@code +Inf}, {@code -Inf}, and optional millisecond timestamps.
 *
 * <p>Only the families asked for are handed to the {@link SampleHandler}; other lines are skipped without being
 * looked at further. A line that cannot be parsed is counted in {@link ParseProblems} by reason and skipped; the
 * good lines around it are kept. Lines longer than {@code maxLineBytes} are skipped without being buffered whole.
 */
public final class PrometheusTextParser {
    /** Timestamp value passed to the handler when a sample has none. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;

    /** Receives every well-formed sample of a wanted family. */
    @FunctionalInterface
    public interface SampleHandler {
        void sample(String name, Map<String, String> labels, double value, long timestampMillis);
    }

    private final Set<String> families;
    private final int maxLineBytes;

    /** @param families metric names to hand over; null means every family */
    public PrometheusTextParser(Set<String> families, int maxLineBytes) {
        this.families = families == null ? null : Set.copyOf(families);
        this.maxLineBytes = maxLineBytes;
    }

    public PrometheusTextParser(Set<String> families) {
        this(families, DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * What was read: the number of lines (including skipped and comment lines), and whether the body ended with a
     * line feed, as the format requires of its last line — a body that does not was most likely cut off.
     */
    public record Stats(long lines, boolean endsWithLineFeed) {
    }

    /** Parses the whole stream. */
    public Stats parse(InputStream in, SampleHandler handler, ParseProblems problems) throws IOException {
        byte[] line = new byte[Math.min(maxLineBytes, 8192)];
        int length = 0;
        boolean tooLong = false;
        long lines = 0;
        byte[] chunk = new byte[8192];
        int read;
        byte last = '\n';
        while ((read = in.read(chunk)) != -1) {
            if (read > 0) {
                last = chunk[read - 1];
            }
            for (int i = 0; i < read; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    lines++;
                    if (tooLong) {
                        problems.count("line_too_long", null);
                    } else {
                        parseLine(line, length, handler, problems);
                    }
                    length = 0;
                    tooLong = false;
                } else if (!tooLong) {
                    if (length == maxLineBytes) {
                        tooLong = true;
                    } else {
                        if (length == line.length) {
                            byte[] bigger = new byte[Math.min(maxLineBytes, line.length * 2)];
                            System.arraycopy(line, 0, bigger, 0, length);
                            line = bigger;
                        }
                        line[length++] = b;
                    }
                }
            }
        }
        if (tooLong) {
            lines++;
            problems.count("line_too_long", null);
        } else if (length > 0) {
            lines++;
            parseLine(line, length, handler, problems);
        }
        return new Stats(lines, last == '\n');
    }

    private void parseLine(byte[] bytes, int length, SampleHandler handler, ParseProblems problems) {
        int end = length;
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        parseLine(new String(bytes, 0, end, StandardCharsets.UTF_8), handler, problems);
    }

    /** Parses one line (without its newline). Public for tests of single lines. */
    public void parseLine(String text, SampleHandler handler, ParseProblems problems) {
        new LineCursor(text).parse(handler, problems);
    }

    /** The position within one line; one instance per line keeps the parser itself stateless. */
    private final class LineCursor {
        private final String s;
        private int i;

        LineCursor(String s) {
            this.s = s;
        }

        void parse(SampleHandler handler, ParseProblems problems) {
            skipBlanks();
            if (atEnd() || s.charAt(i) == '#') {
                return; // blank line or comment (HELP/TYPE text is free-form)
            }
            String name = metricName();
            if (name == null) {
                problems.count("invalid_metric_name", s);
                return;
            }
            if (families != null && !families.contains(name)) {
                return;
            }
            Map<String, String> labels = Map.of();
            if (!atEnd() && s.charAt(i) == '{') {
                i++;
                labels = new HashMap<>(4);
                String problem = labels(labels);
                if (problem != null) {
                    problems.count(problem, s);
                    return;
                }
            }
            if (atEnd()) {
                problems.count("truncated_line", s);
                return;
            }
            if (!isBlank(s.charAt(i))) {
                problems.count("invalid_metric_name", s);
                return;
            }
            skipBlanks();
            String valueToken = token();
            if (valueToken.isEmpty()) {
                problems.count("truncated_line", s);
                return;
            }
            double value;
            try {
                value = parseValue(valueToken);
            } catch (NumberFormatException e) {
                problems.count("invalid_value", s);
                return;
            }
            skipBlanks();
            long timestampMillis = NO_TIMESTAMP;
            if (!atEnd()) {
                String timestampToken = token();
                try {
                    timestampMillis = Long.parseLong(timestampToken);
                } catch (NumberFormatException e) {
                    problems.count("invalid_timestamp", s);
                    return;
                }
                if (timestampMillis < 0) {
                    problems.count("invalid_timestamp", s);
                    return;
                }
                skipBlanks();
                if (!atEnd()) {
                    problems.count("trailing_garbage", s);
                    return;
                }
            }
            handler.sample(name, labels, value, timestampMillis);
        }

        /** Reads {@code name="value",...}} after the opening brace; returns a problem reason or null. */
        private String labels(Map<String, String> labels) {
            while (true) {
                skipBlanks();
                if (atEnd()) {
                    return "truncated_line";
                }
                if (s.charAt(i) == '}') {
                    i++;
                    return null;
                }
                int start = i;
                while (!atEnd() && isLabelChar(s.charAt(i), i == start)) {
                    i++;
                }
                if (i == start) {
                    return atEnd() ? "truncated_line" : "invalid_label";
                }
                String labelName = s.substring(start, i);
                skipBlanks();
                if (atEnd()) {
                    return "truncated_line";
                }
                if (s.charAt(i) != '=') {
                    return "invalid_label";
                }
                i++;
                skipBlanks();
                if (atEnd()) {
                    return "truncated_line";
                }
                if (s.charAt(i) != '"') {
                    return "invalid_label";
                }
                i++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (atEnd()) {
                        return "truncated_line";
                    }
                    char c = s.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (atEnd()) {
                            return "truncated_line";
                        }
                        char escaped = s.charAt(i++);
                        switch (escaped) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> {
                                return "bad_escape";
                            }
                        }
                    } else {
                        value.append(c);
                    }
                }
                labels.put(labelName, value.toString());
                skipBlanks();
                if (atEnd()) {
                    return "truncated_line";
                }
                char next = s.charAt(i);
                if (next == ',') {
                    i++;
                } else if (next != '}') {
                    return "invalid_label";
                }
            }
        }

        private String metricName() {
            int start = i;
            while (!atEnd()) {
                char c = s.charAt(i);
                boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                        || (i > start && c >= '0' && c <= '9');
                if (!ok) {
                    break;
                }
                i++;
            }
            return i == start ? null : s.substring(start, i);
        }

        private String token() {
            int start = i;
            while (!atEnd() && !isBlank(s.charAt(i))) {
                i++;
            }
            return s.substring(start, i);
        }

        private void skipBlanks() {
            while (!atEnd() && isBlank(s.charAt(i))) {
                i++;
            }
        }

        private boolean atEnd() {
            return i >= s.length();
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isLabelChar(char c, boolean first) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    /** Go's strconv.ParseFloat as Prometheus uses it, minus hex floats: digits, sign, point, exponent, NaN, Inf. */
    static double parseValue(String token) {
        switch (token) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        for (int k = 0; k < token.length(); k++) {
            char c = token.charAt(k);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
            if (!ok) {
                throw new NumberFormatException(token);
            }
        }
        return Double.parseDouble(token);
    }
}
