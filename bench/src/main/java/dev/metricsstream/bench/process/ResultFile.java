package dev.metricsstream.bench.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** How every bench writes its figures: {@code <dir>/<UTC time>-<name>.json}, indented JSON. */
public final class ResultFile {
    /** The file-name prefix: UTC time to the second, sorts in time order. */
    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFile() {
    }

    /** Writes {@code result} as {@code dir/<now>-<name>.json} (creating {@code dir}); returns the file. */
    public static Path write(Path dir, String name, Map<String, Object> result) throws IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(STAMP.format(Instant.now()) + "-" + name + ".json");
        Files.writeString(out, json(result) + "\n");
        return out;
    }

    /** {@code result} as indented JSON. */
    public static String json(Map<String, Object> result) throws JsonProcessingException {
        return JSON.writeValueAsString(result);
    }
}
