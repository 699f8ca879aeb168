package dev.metricsstream.gateway.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FieldSelectorTest {

    @ParameterizedTest(name = "''{0}'' on {1}/{2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "metadata.name=web-1|ns|web-1|true",
        "metadata.name==web-1|ns|web-1|true",
        "metadata.name=web-2|ns|web-1|false",
        "metadata.name!=web-2|ns|web-1|true",
        "metadata.namespace=ns|ns|web-1|true",
        "metadata.namespace=other|ns|web-1|false",
        "metadata.namespace!=ns|ns|web-1|false",
        "metadata.namespace=ns,metadata.name=web-1|ns|web-1|true",
        "metadata.namespace=ns,metadata.name=web-2|ns|web-1|false",
        "metadata.name=a\\,b|ns|a,b|true",
        "metadata.name=a\\=b|ns|a=b|true",
        "metadata.name=|ns|x|false",
    })
    void matches_name_and_namespace_like_the_apiserver(String selector, String namespace, String name, boolean expected) {
        assertEquals(expected, FieldSelector.parse(selector).matches(name, namespace));
    }

    @Test
    void a_cluster_scoped_node_has_an_empty_namespace() {
        assertTrue(FieldSelector.parse("metadata.namespace=").matches("n1", null));
        assertFalse(FieldSelector.parse("metadata.namespace=kube-system").matches("n1", null));
    }

    @Test
    void other_fields_are_rejected_as_metrics_server_rejects_them() {
        SelectorException e = assertThrows(SelectorException.class, () -> FieldSelector.parse("spec.nodeName=n1"));
        assertEquals("\"spec.nodeName\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                e.getMessage());
    }

    @Test
    void a_term_without_operator_is_not_understood() {
        SelectorException e = assertThrows(SelectorException.class, () -> FieldSelector.parse("metadata.name"));
        assertEquals("invalid selector: 'metadata.name'; can't understand 'metadata.name'", e.getMessage());
    }

    @Test
    void bad_escapes_are_reported() {
        assertEquals("invalid field selector: invalid escape sequence: \\x",
                assertThrows(SelectorException.class, () -> FieldSelector.parse("metadata.name=a\\x")).getMessage());
        assertEquals("invalid field selector: unterminated escape sequence",
                assertThrows(SelectorException.class, () -> FieldSelector.parse("metadata.name=a\\")).getMessage());
    }

    @Test
    void knows_the_namespace_an_equality_pins() {
        assertEquals("kube-system", FieldSelector.parse("metadata.namespace=kube-system").requiredNamespace());
        assertNull(FieldSelector.parse("metadata.namespace!=kube-system").requiredNamespace());
    }
}
