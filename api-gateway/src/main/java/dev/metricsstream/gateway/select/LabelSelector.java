package dev.metricsstream.gateway.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed Kubernetes label selector: requirements joined by AND. The parser mirrors
 * k8s.io/apimachinery/pkg/labels/selector.go ({@code Parse}): the same lexer (whitespace, {@code = == != ! ( ) , > <},
 * keywords {@code in}/{@code notin}), the same grammar, key and value validation and the same error wording, so a
 * selector the kube-apiserver accepts is accepted here and one it rejects is rejected with a similar message.
 */
public final class LabelSelector {
    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Parses {@code text}; null or blank selects everything. */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        return new LabelSelector(new Parser(text).parse());
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Requirement requirement : requirements) {
            parts.add(requirement.toString());
        }
        return String.join(",", parts);
    }

    /** selection.Operator. */
    public enum Operator {
        EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="), IN("in"), NOT_IN("notin"), EXISTS(""),
        DOES_NOT_EXIST("!"), GREATER_THAN("gt"), LESS_THAN("lt");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** One requirement: a key, an operator and a (sorted) value set. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            values = Set.copyOf(new TreeSet<>(values));
        }

        boolean matches(Map<String, String> labels) {
            String value = labels == null ? null : labels.get(key);
            // one hash lookup for a label that is there; the second only tells a missing key from a null value
            boolean has = value != null || labels != null && labels.containsKey(key);
            return switch (operator) {
                case EQUALS, DOUBLE_EQUALS, IN -> has && values.contains(value);
                case NOT_EQUALS, NOT_IN -> !has || !values.contains(value);
                case EXISTS -> has;
                case DOES_NOT_EXIST -> !has;
                case GREATER_THAN, LESS_THAN -> has && compareInteger(value);
            };
        }

        private boolean compareInteger(String labelValue) {
            long label;
            long bound;
            try {
                label = Long.parseLong(labelValue);
                bound = Long.parseLong(values.iterator().next());
            } catch (NumberFormatException e) {
                return false;
            }
            return operator == Operator.GREATER_THAN ? label > bound : label < bound;
        }

        @Override
        public String toString() {
            TreeSet<String> sorted = new TreeSet<>(values);
            return switch (operator) {
                case EXISTS -> key;
                case DOES_NOT_EXIST -> "!" + key;
                case IN, NOT_IN -> key + " " + operator.symbol() + " (" + String.join(",", sorted) + ")";
                case GREATER_THAN -> key + ">" + sorted.first();
                case LESS_THAN -> key + "<" + sorted.first();
                default -> key + operator.symbol() + sorted.first();
            };
        }
    }

    // ---- lexer and parser, after labels/selector.go ----

    private enum Token {
        ERROR, END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER,
        IN, LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
    }

    private record Scanned(Token token, String literal) {
    }

    private static Token symbolToken(String symbol) {
        return switch (symbol) {
            case ")" -> Token.CLOSED_PAR;
            case "," -> Token.COMMA;
            case "!" -> Token.DOES_NOT_EXIST;
            case "==" -> Token.DOUBLE_EQUALS;
            case "=" -> Token.EQUALS;
            case ">" -> Token.GREATER_THAN;
            case "<" -> Token.LESS_THAN;
            case "!=" -> Token.NOT_EQUALS;
            case "(" -> Token.OPEN_PAR;
            default -> null;
        };
    }

    private static boolean isWhitespace(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    private static boolean isSpecialSymbol(char ch) {
        return ch == '=' || ch == '!' || ch == '(' || ch == ')' || ch == ',' || ch == '>' || ch == '<';
    }

    private static List<Scanned> lex(String input) {
        List<Scanned> items = new ArrayList<>();
        int pos = 0;
        while (true) {
            while (pos < input.length() && isWhitespace(input.charAt(pos))) {
                pos++;
            }
            if (pos >= input.length()) {
                items.add(new Scanned(Token.END_OF_STRING, ""));
                return items;
            }
            char ch = input.charAt(pos);
            if (isSpecialSymbol(ch)) {
                // longest run of special symbols that is still a known token
                StringBuilder buffer = new StringBuilder();
                Scanned last = null;
                int next = pos;
                while (next < input.length() && isSpecialSymbol(input.charAt(next))) {
                    buffer.append(input.charAt(next));
                    Token token = symbolToken(buffer.toString());
                    if (token != null) {
                        last = new Scanned(token, buffer.toString());
                        next++;
                    } else if (last != null) {
                        break;
                    } else {
                        next++;
                    }
                }
                if (last == null) {
                    items.add(new Scanned(Token.ERROR, "error expected: keyword found '" + buffer + "'"));
                    items.add(new Scanned(Token.END_OF_STRING, ""));
                    return items;
                }
                items.add(last);
                pos = next;
            } else {
                int start = pos;
                while (pos < input.length() && !isWhitespace(input.charAt(pos)) && !isSpecialSymbol(input.charAt(pos))) {
                    pos++;
                }
                String word = input.substring(start, pos);
                Token token = switch (word) {
                    case "in" -> Token.IN;
                    case "notin" -> Token.NOT_IN;
                    default -> Token.IDENTIFIER;
                };
                items.add(new Scanned(token, word));
            }
        }
    }

    private static final class Parser {
        private final List<Scanned> items;
        private int position;

        Parser(String input) {
            this.items = lex(input);
        }

        /** In the "values" context the keywords in/notin are plain identifiers. */
        private Scanned lookahead(boolean values) {
            Scanned item = items.get(Math.min(position, items.size() - 1));
            if (values && (item.token() == Token.IN || item.token() == Token.NOT_IN)) {
                return new Scanned(Token.IDENTIFIER, item.literal());
            }
            return item;
        }

        private Scanned consume(boolean values) {
            Scanned item = lookahead(values);
            if (position < items.size() - 1) {
                position++;
            }
            return item;
        }

        List<Requirement> parse() {
            List<Requirement> requirements = new ArrayList<>();
            while (true) {
                Scanned next = lookahead(true);
                switch (next.token()) {
                    case IDENTIFIER, DOES_NOT_EXIST -> {
                        try {
                            requirements.add(parseRequirement());
                        } catch (SelectorException e) {
                            throw new SelectorException("unable to parse requirement: " + e.getMessage());
                        }
                        Scanned after = consume(true);
                        switch (after.token()) {
                            case END_OF_STRING -> {
                                return requirements;
                            }
                            case COMMA -> {
                                Scanned following = lookahead(true);
                                if (following.token() != Token.IDENTIFIER && following.token() != Token.DOES_NOT_EXIST) {
                                    throw new SelectorException("found '" + following.literal()
                                            + "', expected: identifier after ','");
                                }
                            }
                            default -> throw new SelectorException("found '" + after.literal()
                                    + "', expected: ',' or 'end of string'");
                        }
                    }
                    case END_OF_STRING -> {
                        return requirements;
                    }
                    default -> throw new SelectorException("found '" + next.literal()
                            + "', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private Requirement parseRequirement() {
            Operator operator = null;
            Scanned item = consume(true);
            if (item.token() == Token.DOES_NOT_EXIST) {
                operator = Operator.DOES_NOT_EXIST;
                item = consume(true);
            }
            if (item.token() != Token.IDENTIFIER) {
                throw new SelectorException("found '" + item.literal() + "', expected: identifier");
            }
            String key = item.literal();
            validateKey(key);
            Token next = lookahead(true).token();
            if (next == Token.END_OF_STRING || next == Token.COMMA) {
                if (operator == null) {
                    operator = Operator.EXISTS;
                }
            }
            if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
                return new Requirement(key, operator, Set.of());
            }
            operator = parseOperator();
            Set<String> values = switch (operator) {
                case IN, NOT_IN -> parseValues();
                default -> parseExactValue();
            };
            return newRequirement(key, operator, values);
        }

        private Operator parseOperator() {
            Scanned item = consume(false);
            return switch (item.token()) {
                case IN -> Operator.IN;
                case EQUALS -> Operator.EQUALS;
                case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
                case GREATER_THAN -> Operator.GREATER_THAN;
                case LESS_THAN -> Operator.LESS_THAN;
                case NOT_IN -> Operator.NOT_IN;
                case NOT_EQUALS -> Operator.NOT_EQUALS;
                default -> throw new SelectorException("found '" + item.literal()
                        + "', expected: in, notin, =, ==, !=, gt, lt");
            };
        }

        private Set<String> parseValues() {
            Scanned item = consume(true);
            if (item.token() != Token.OPEN_PAR) {
                throw new SelectorException("found '" + item.literal() + "' expected: '('");
            }
            Scanned next = lookahead(true);
            switch (next.token()) {
                case IDENTIFIER, COMMA -> {
                    Set<String> values = parseIdentifiersList();
                    if (consume(true).token() != Token.CLOSED_PAR) {
                        throw new SelectorException("found '" + next.literal() + "', expected: ')'");
                    }
                    return values;
                }
                case CLOSED_PAR -> {
                    consume(true);
                    return Set.of("");
                }
                default -> throw new SelectorException("found '" + next.literal()
                        + "', expected: ',', ')' or identifier");
            }
        }

        private Set<String> parseIdentifiersList() {
            Set<String> values = new TreeSet<>();
            while (true) {
                Scanned item = consume(true);
                switch (item.token()) {
                    case IDENTIFIER -> {
                        values.add(item.literal());
                        Scanned next = lookahead(true);
                        if (next.token() == Token.CLOSED_PAR) {
                            return values;
                        }
                        if (next.token() != Token.COMMA) {
                            throw new SelectorException("found '" + next.literal() + "', expected: ',' or ')'");
                        }
                    }
                    case COMMA -> {
                        if (values.isEmpty()) {
                            values.add("");
                        }
                        Scanned next = lookahead(true);
                        if (next.token() == Token.CLOSED_PAR) {
                            values.add("");
                            return values;
                        }
                        if (next.token() == Token.COMMA) {
                            consume(true);
                            values.add("");
                        }
                    }
                    default -> throw new SelectorException("found '" + item.literal()
                            + "', expected: ',', or identifier");
                }
            }
        }

        private Set<String> parseExactValue() {
            Token next = lookahead(true).token();
            if (next == Token.END_OF_STRING || next == Token.COMMA) {
                return Set.of("");
            }
            Scanned item = consume(true);
            if (item.token() == Token.IDENTIFIER) {
                return Set.of(item.literal());
            }
            throw new SelectorException("found '" + item.literal() + "', expected: identifier");
        }
    }

    private static void validateKey(String key) {
        List<String> errors = LabelValidation.qualifiedName(key);
        if (!errors.isEmpty()) {
            throw new SelectorException("key: Invalid value: \"" + key + "\": " + String.join("; ", errors));
        }
    }

    /** labels.NewRequirement: value-count rules per operator and label-value validation. */
    private static Requirement newRequirement(String key, Operator operator, Set<String> values) {
        List<String> errors = new ArrayList<>();
        switch (operator) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    errors.add("values: Invalid value: " + values
                            + ": for 'in', 'notin' operators, values set can't be empty");
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    errors.add("values: Invalid value: " + values + ": exact-match compatibility requires one single value");
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                for (String value : values) {
                    try {
                        Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        errors.add("values[0]: Invalid value: \"" + value
                                + "\": for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }
            }
            default -> {
            }
        }
        int index = 0;
        for (String value : values) {
            List<String> valueErrors = LabelValidation.labelValue(value);
            if (!valueErrors.isEmpty()) {
                errors.add("values[" + index + "][" + key + "]: Invalid value: \"" + value + "\": "
                        + String.join("; ", valueErrors));
            }
            index++;
        }
        if (!errors.isEmpty()) {
            throw new SelectorException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
        }
        return new Requirement(key, operator, values);
    }
}
