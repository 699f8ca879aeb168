package dev.metricsstream.testkit.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's main run as a separate JVM on the classpath its image ships: the module's jar plus its runtime-scope
 * dependencies, exactly what the Dockerfile copies ({@code dependency:copy-dependencies -DincludeScope=runtime} and
 * the module jar). A test's own classpath hides scope mistakes (a test-scope {@code logback-classic} declared in a
 * module still logs in its tests but not in its image); this does not.
 *
 * <p>The two paths come from system properties the root pom's failsafe configuration sets:
 * {@value #MODULE_JAR_PROPERTY} (the packaged jar) and {@value #CLASSPATH_FILE_PROPERTY} ({@code
 * target/runtime-classpath.txt}, written at {@code package} by the dependency plugin's {@code runtime-classpath}
 * execution). Hence only usable from an {@code *IT} run by {@code mvn verify}.
 */
public final class PackagedProcess implements AutoCloseable {
    public static final String MODULE_JAR_PROPERTY = "metricsstream.moduleJar";
    public static final String CLASSPATH_FILE_PROPERTY = "metricsstream.runtimeClasspathFile";
    /** What SLF4J 2 prints when the classpath has no logging provider: every log line is then lost. */
    public static final String NO_PROVIDER_WARNING = "No SLF4J providers were found";

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final List<Thread> readers = new ArrayList<>();

    private PackagedProcess(Process process) {
        this.process = process;
        readers.add(drain(process.getInputStream(), stdout, "stdout"));
        readers.add(drain(process.getErrorStream(), stderr, "stderr"));
    }

    /**
     * Starts {@code mainClass} with the given environment added to this process's own, minus {@code LOG_FORMAT} and
     * {@code LOG_LEVEL} (so the image's defaults apply unless {@code env} sets them).
     */
    public static PackagedProcess start(String mainClass, Map<String, String> env) {
        return start(mainClass, env, List.of());
    }

    /** As {@link #start(String, Map)}, with command-line arguments. */
    public static PackagedProcess start(String mainClass, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, runtimeClasspath()));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("LOG_FORMAT");
        builder.environment().remove("LOG_LEVEL");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        try {
            return new PackagedProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The module's jar followed by its runtime dependencies; every entry exists. */
    public static List<String> runtimeClasspath() {
        Path jar = Path.of(required(MODULE_JAR_PROPERTY));
        Path classpathFile = Path.of(required(CLASSPATH_FILE_PROPERTY));
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(jar + " or " + classpathFile + " is missing: run this test with failsafe "
                    + "after `package` (./mvnw verify)");
        }
        List<String> entries = new ArrayList<>();
        entries.add(jar.toString());
        try {
            String listed = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            if (!listed.isEmpty()) {
                entries.addAll(List.of(listed.split(java.io.File.pathSeparator)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run this test through "
                    + "failsafe (the root pom sets it)");
        }
        return value;
    }

    private static Thread drain(InputStream stream, StringBuffer into, String name) {
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (stream) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    into.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                into.append("[").append(name).append(" unreadable: ").append(e).append("]");
            }
        }, "packaged-process-" + name);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    /** The first line of stdout that contains {@code text}, or null. */
    public String stdoutLineContaining(String text) {
        for (String line : stdout().split("\n")) {
            if (line.contains(text)) {
                return line;
            }
        }
        return null;
    }

    /**
     * Asserts that SLF4J found its provider and that the line on stdout containing {@code text} is a JSON log event
     * (the image's default format) whose message contains it. Call once that line is there.
     */
    public void assertLoggedAsJson(String text) {
        String all = stdout() + stderr();
        org.junit.jupiter.api.Assertions.assertFalse(all.contains(NO_PROVIDER_WARNING),
                "the runtime classpath has no SLF4J provider, nothing is logged:\n" + this);
        String line = stdoutLineContaining(text);
        org.junit.jupiter.api.Assertions.assertNotNull(line, "no line with '" + text + "' on stdout:\n" + this);
        try {
            com.fasterxml.jackson.databind.JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(line);
            org.junit.jupiter.api.Assertions.assertTrue(event.path("formattedMessage").asText().contains(text),
                    "not a JSON log event with that message: " + line);
            org.junit.jupiter.api.Assertions.assertEquals("INFO", event.path("level").asText(), line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            org.junit.jupiter.api.Assertions.fail("not a JSON log line: " + line, e);
        }
    }

    /**
     * True once there is something to assert on: the line with {@code text} is on stdout, SLF4J warned that it has no
     * provider (the line will never come) or the process exited. Poll this with a deadline.
     */
    public boolean hasLoggedOrFailed(String text) {
        return stdoutLineContaining(text) != null || stderr().contains(NO_PROVIDER_WARNING)
                || stdout().contains(NO_PROVIDER_WARNING) || !process.isAlive();
    }

    /**
     * Waits for the process to exit and for its output to be read to the end; returns the exit code, or fails when it
     * is still running after {@code timeout}.
     */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + ":\n" + this);
        }
        for (Thread reader : readers) {
            reader.join(timeout.toMillis());
        }
        return process.exitValue();
    }

    /** Every non-blank line the process printed, stdout first, then stderr. */
    public List<String> outputLines() {
        List<String> lines = new ArrayList<>();
        for (String text : List.of(stdout(), stderr())) {
            text.lines().filter(line -> !line.isBlank()).forEach(lines::add);
        }
        return lines;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "stdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }
}
