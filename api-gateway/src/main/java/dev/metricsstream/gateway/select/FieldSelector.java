package dev.metricsstream.gateway.select;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A field selector as the kube-apiserver parses it for the metrics resources (k8s.io/apimachinery/pkg/fields
 * {@code ParseSelector}: terms split on unescaped commas, operators {@code != == =}, backslash escapes), then
 * checked like {@code runtime.DefaultMetaV1FieldSelectorConversion}: only {@code metadata.name} and
 * {@code metadata.namespace} exist; any other field is a 400, exactly what metrics-server answers
 * ({@code "spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"}).
 * A field the object does not have (a node's namespace) has the value "" when matching, as in Go's fields.Set.
 */
public final class FieldSelector {
    public static final String NAME = "metadata.name";
    public static final String NAMESPACE = "metadata.namespace";
    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /** One term; {@code equal} false means {@code !=}. */
    public record Term(String field, boolean equal, String value) {
    }

    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        Collections.sort(parts);
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            Term term = splitTerm(selector, part);
            if (!term.field().equals(NAME) && !term.field().equals(NAMESPACE)) {
                throw new SelectorException("\"" + term.field() + "\" is not a known field selector: only \""
                        + NAME + "\", \"" + NAMESPACE + "\"");
            }
            terms.add(term);
        }
        return new FieldSelector(terms);
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    /** {@code namespace} is null for cluster-scoped objects (nodes). */
    public boolean matches(String name, String namespace) {
        for (Term term : terms) {
            String actual = term.field().equals(NAME) ? name : (namespace == null ? "" : namespace);
            if (actual.equals(term.value()) != term.equal()) {
                return false;
            }
        }
        return true;
    }

    /** The one namespace an {@code metadata.namespace=X} term pins, or null. */
    public String requiredNamespace() {
        for (Term term : terms) {
            if (term.field().equals(NAMESPACE) && term.equal()) {
                return term.value();
            }
        }
        return null;
    }

    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < selector.length(); i++) {
            char ch = selector.charAt(i);
            if (escaped) {
                current.append(ch);
                escaped = false;
            } else if (ch == '\\') {
                current.append(ch);
                escaped = true;
            } else if (ch == ',') {
                terms.add(current.toString());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        terms.add(current.toString());
        return terms;
    }

    private static Term splitTerm(String selector, String part) {
        for (int i = 0; i < part.length(); i++) {
            for (String op : new String[] {"!=", "==", "="}) {
                if (part.startsWith(op, i)) {
                    String field = part.substring(0, i);
                    String value = unescape(part.substring(i + op.length()));
                    return new Term(field, !op.equals("!="), value);
                }
            }
        }
        throw new SelectorException("invalid selector: '" + selector + "'; can't understand '" + part + "'");
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch != '\\') {
                out.append(ch);
                continue;
            }
            if (i + 1 >= value.length()) {
                throw new SelectorException("invalid field selector: unterminated escape sequence");
            }
            char next = value.charAt(++i);
            if (next != '\\' && next != ',' && next != '=') {
                throw new SelectorException("invalid field selector: invalid escape sequence: \\" + next);
            }
            out.append(next);
        }
        return out.toString();
    }
}
