package dev.metricsstream.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads typed settings from a {@code Map<String, String>} (the environment in production, a map in tests) and
 * collects every problem instead of failing on the first. Call {@link #finish()} once all values are read.
 *
 * <p>Every key read is remembered, so a service can print the settings it understood and tests can check the
 * configuration reference against the code.
 */
public final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final TreeSet<String> keysRead = new TreeSet<>();

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /** The raw value, or null when the key is absent or blank. */
    private String raw(String key) {
        keysRead.add(key);
        String value = env.get(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String string(String key, String defaultValue) {
        String value = raw(key);
        return value == null ? defaultValue : value;
    }

    /** A value that must be present; a missing one is reported as a problem and null is returned. */
    public String required(String key) {
        String value = raw(key);
        if (value == null) {
            problems.add(key + " is required");
        }
        return value;
    }

    public Secret secret(String key, String defaultValue) {
        String value = raw(key);
        return value == null ? (defaultValue == null ? null : new Secret(defaultValue)) : new Secret(value);
    }

    public boolean bool(String key, boolean defaultValue) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problems.add(key + " must be true or false, got '" + value + "'");
                yield defaultValue;
            }
        };
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) number(key, defaultValue, min, max);
    }

    public long number(String key, long defaultValue, long min, long max) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.replace("_", ""));
            if (parsed < min || parsed > max) {
                problems.add(key + " must be between " + min + " and " + max + ", got " + parsed);
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(key + " must be a whole number, got '" + value + "'");
            return defaultValue;
        }
    }

    /** A duration written as {@code 15s}, {@code 500ms}, {@code 1m30s}, {@code 2h} or ISO-8601 {@code PT15S}. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Durations.parse(value);
            if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                problems.add(key + " must be between " + Durations.format(min) + " and " + Durations.format(max)
                        + ", got " + value);
                return defaultValue;
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be a duration such as 15s or 1m, got '" + value + "'");
            return defaultValue;
        }
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        String normalized = value.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalized)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        problems.add(key + " must be one of " + allowed + ", got '" + value + "'");
        return defaultValue;
    }

    public URI uri(String key, String defaultValue) {
        String value = string(key, defaultValue);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                problems.add(key + " must be an absolute URL such as https://10.0.0.1:10250, got '" + value + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add(key + " is not a valid URL: " + e.getMessage());
            return null;
        }
    }

    public Path path(String key, String defaultValue) {
        String value = string(key, defaultValue);
        return value == null ? null : Path.of(value);
    }

    /** A comma-separated list; blanks removed. */
    public List<String> list(String key, List<String> defaultValue) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }

    /** Parses with a custom function; its IllegalArgumentException message becomes a problem. */
    public <T> T parsed(String key, T defaultValue, Function<String, T> parser) {
        String value = raw(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            problems.add(key + ": " + e.getMessage());
            return defaultValue;
        }
    }

    /** Records a problem when a cross-field rule does not hold. */
    public void check(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    /**
     * Kafka client settings passed through from the environment, Strimzi-style: {@code KAFKA_BOOTSTRAP_SERVERS}
     * becomes {@code bootstrap.servers}, {@code KAFKA_SASL_JAAS_CONFIG} becomes {@code sasl.jaas.config}. Keys
     * listed in {@code ownKeys} (settings of our own that happen to start with KAFKA_) are not passed through.
     */
    public Map<String, String> kafkaClientProperties(String prefix, List<String> ownKeys) {
        Map<String, String> properties = new TreeMap<>();
        for (Map.Entry<String, String> entry : env.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith(prefix) && !ownKeys.contains(key) && entry.getValue() != null
                    && !entry.getValue().isBlank()) {
                keysRead.add(key);
                String property = key.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                properties.put(property, entry.getValue().trim());
            }
        }
        return Collections.unmodifiableMap(properties);
    }

    /** Throws one {@link ConfigException} listing every problem, if there were any. */
    public void finish() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Every key this reader was asked for (for the configuration reference). */
    public List<String> keysRead() {
        return List.copyOf(keysRead);
    }

    /**
     * Every key a config parser reads, found by running it over each of {@code envs} (one per branch of the parser)
     * and ignoring the problems: what a service's {@code knownKeys()} returns, for the configuration reference.
     */
    public static SortedSet<String> knownKeys(Consumer<EnvReader> parser, List<Map<String, String>> envs) {
        SortedSet<String> keys = new TreeSet<>();
        for (Map<String, String> env : envs) {
            EnvReader reader = new EnvReader(env);
            try {
                parser.accept(reader);
            } catch (ConfigException expected) {
                // the keys read so far are all we want
            }
            keys.addAll(reader.keysRead);
        }
        return keys;
    }
}
