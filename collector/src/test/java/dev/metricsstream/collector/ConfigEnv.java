package dev.metricsstream.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Environments for the configuration tests: what every collector needs, plus what a test sets. */
final class ConfigEnv {
    private ConfigEnv() {
    }

    /** A readable {@code KUBELET_CA_FILE} in {@code dir} (its content is not checked here) and a broker. */
    static Map<String, String> caAndBroker(Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "not checked here");
        return plus(Map.of("KUBELET_CA_FILE", ca.toString(), "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"));
    }

    /** A mutable copy of {@code env} with the given names and values set: {@code plus(env, "A", "1", "B", "2")}. */
    static Map<String, String> plus(Map<String, String> env, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            copy.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return copy;
    }
}
