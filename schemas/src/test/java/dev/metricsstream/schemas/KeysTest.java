package dev.metricsstream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void pod_key_is_namespace_slash_name_and_parses_back() {
        PodKey key = new PodKey("kube-system", "coredns-7db6d8ff4d-x2k9q");

        assertEquals("kube-system/coredns-7db6d8ff4d-x2k9q", key.format());
        assertEquals(key, PodKey.parse(key.format()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no-slash", "/name", "ns/", "a/b/c", "ns/na@me"})
    void a_malformed_pod_key_is_rejected(String key) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PodKey.parse(key));

        assertTrue(error.getMessage().startsWith("pod "), error.getMessage());
    }

    @Test
    void window_key_holds_entity_size_and_start_and_parses_back() {
        WindowKey key = new WindowKey("kube-system/coredns", 60_000L, 1_763_699_940_000L);

        assertEquals("kube-system/coredns@60000@1763699940000", key.format());
        assertEquals(key, WindowKey.parse(key.format()));
        assertEquals(new WindowKey("node-a", 300_000L, 0L), WindowKey.parse("node-a@300000@0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-a", "node-a@60000", "node-a@x@0", "@60000@0", "a@b@60000@0", "node-a@0@0"})
    void a_malformed_window_key_is_rejected(String key) {
        assertThrows(IllegalArgumentException.class, () -> WindowKey.parse(key));
    }
}
