package dev.metricsstream.gateway.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        if (!text.isBlank()) {
            for (String pair : text.split(";")) {
                String[] kv = pair.split(":", -1);
                labels.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return labels;
    }

    /** Cases after apimachinery's TestSelectorMatches / TestLexerParser. */
    @ParameterizedTest(name = "''{0}'' on {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "|app:web|true",
        "app=web|app:web|true",
        "app==web|app:web|true",
        "app = web|app:web|true",
        "app=web|app:db|false",
        "app=web|tier:db|false",
        "app!=web|app:db|true",
        "app!=web|tier:db|true",
        "app!=web|app:web|false",
        "app|app:|true",
        "app|tier:x|false",
        "!app|tier:x|true",
        "!app|app:web|false",
        "app in (web, db)|app:db|true",
        "app in (web,db)|app:cache|false",
        "app in (web)|tier:x|false",
        "app notin (web,db)|app:cache|true",
        "app notin (web,db)|tier:x|true",
        "app notin (web,db)|app:web|false",
        "app=web,tier=front|app:web;tier:front|true",
        "app=web,tier=front|app:web;tier:back|false",
        "  app=web ,  !canary  |app:web|true",
        "app=web,!canary|app:web;canary:yes|false",
        "example.com/team=a|example.com/team:a|true",
        "app=|app:|true",
        "app=|app:x|false",
        "app in (,x)|app:|true",
        "in=notin|in:notin|true",
        "replicas>2|replicas:3|true",
        "replicas>2|replicas:2|false",
        "replicas<2|replicas:x|false",
        "app in (web),env notin (prod)|app:web;env:dev|true",
    })
    void matches_like_the_kubernetes_label_selector(String selector, String labels, boolean expected) {
        assertEquals(expected, LabelSelector.parse(selector == null ? "" : selector).matches(labels(labels)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x=a||y=b", "x=a,", "x==,=b", "x in (", "x in a", "(x)", "x in (a b)", "x>a", "x=a b",
        "a,,b", "!x=y", "x notin ()a", "=a", "x !! y", "x=(a)", "bad key=a", "-x=a", "x=-a", "x/y/z=a", "/x=a",
        "UPPER.case/x=a"})
    void rejects_what_the_apiserver_rejects(String selector) {
        SelectorException e = assertThrows(SelectorException.class, () -> LabelSelector.parse(selector));
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void explains_a_missing_operator_value_list() {
        SelectorException e = assertThrows(SelectorException.class, () -> LabelSelector.parse("app in web"));
        assertEquals("unable to parse requirement: found 'web' expected: '('", e.getMessage());
    }

    @Test
    void explains_an_invalid_value() {
        SelectorException e = assertThrows(SelectorException.class, () -> LabelSelector.parse("app=-web"));
        assertTrue(e.getMessage().startsWith("unable to parse requirement: values[0][app]: Invalid value: \"-web\": "
                + "a valid label must be an empty string or consist of alphanumeric characters"), e.getMessage());
    }

    @Test
    void explains_an_invalid_key() {
        SelectorException e = assertThrows(SelectorException.class, () -> LabelSelector.parse("a b=c"));
        assertEquals("found 'b', expected: in, notin, =, ==, !=, gt, lt", e.getMessage().replace("unable to parse requirement: ", ""));
        SelectorException key = assertThrows(SelectorException.class, () -> LabelSelector.parse("-a=c"));
        assertTrue(key.getMessage().contains("key: Invalid value: \"-a\": name part must consist of alphanumeric"), key.getMessage());
    }

    @Test
    void trailing_comma_wants_an_identifier() {
        SelectorException e = assertThrows(SelectorException.class, () -> LabelSelector.parse("x=a,"));
        assertEquals("found '', expected: identifier after ','", e.getMessage());
    }

    @Test
    void blank_selects_everything() {
        assertTrue(LabelSelector.parse("  ").isEverything());
        assertTrue(LabelSelector.parse(null).matches(Map.of()));
    }

    @Test
    void prints_requirements_like_apimachinery() {
        assertEquals("app=web,!canary,tier in (a,b),x", LabelSelector.parse("app=web, !canary, tier in (b,a), x").toString());
    }
}
