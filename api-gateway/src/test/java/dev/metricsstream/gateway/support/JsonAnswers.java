package dev.metricsstream.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.StreamSupport;

/** Reading the gateway's JSON answers in tests. */
public final class JsonAnswers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonAnswers() {
    }

    /** Asserts the status code and the {@code application/json} content type, then parses the body. */
    public static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        return MAPPER.readTree(response.body());
    }

    /** The text at {@code pointer} in each item, in order. */
    public static List<String> texts(JsonNode items, String pointer) {
        return StreamSupport.stream(items.spliterator(), false).map(i -> i.at(pointer).asText()).toList();
    }
}
