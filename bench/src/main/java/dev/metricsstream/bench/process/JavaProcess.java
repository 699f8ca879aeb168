package dev.metricsstream.bench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@code java -cp <this JVM's classpath> <main>} child process with its own environment and JVM options, its
 * output copied to a log file (and each line offered to a listener), so its CPU and memory are measured alone.
 */
public final class JavaProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final long startNanos;
    private volatile ProcStats last;

    private JavaProcess(String name, Process process, long startNanos) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
    }

    public static JavaProcess start(String name, String mainClass, List<String> jvmOptions, Map<String, String> env,
            Path logFile, Consumer<String> lineListener) throws IOException {
        return start(Path.of(System.getProperty("java.home")), name, mainClass, jvmOptions, env, logFile,
                lineListener);
    }

    /** As above with another JDK/JRE ({@code javaHome}/bin/java), e.g. to compare runtimes. */
    public static JavaProcess start(Path javaHome, String name, String mainClass, List<String> jvmOptions,
            Map<String, String> env, Path logFile, Consumer<String> lineListener) throws IOException {
        return start(javaHome, System.getProperty("java.class.path"), name, mainClass, jvmOptions, env, logFile,
                lineListener);
    }

    /** As above with the child's own classpath (e.g. only a service's runtime dependencies, as in its image). */
    public static JavaProcess start(Path javaHome, String classpath, String name, String mainClass,
            List<String> jvmOptions, Map<String, String> env, Path logFile, Consumer<String> lineListener)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        long startNanos = System.nanoTime();
        Process process = builder.start();
        JavaProcess child = new JavaProcess(name, process, startNanos);
        Files.createDirectories(logFile.getParent());
        PrintStream log = new PrintStream(Files.newOutputStream(logFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.println(line);
                    if (lineListener != null) {
                        lineListener.accept(line);
                    }
                }
            } catch (IOException e) {
                log.println("[bench] output closed: " + e);
            } finally {
                log.close();
            }
        }, name + "-output");
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public long startNanos() {
        return startNanos;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Reads /proc now; keeps the last good reading so a process that already exited still reports. */
    public ProcStats sample() {
        ProcStats now = ProcStats.read(process.pid());
        if (now != null) {
            last = now;
        }
        return last;
    }

    /** SIGTERM, then SIGKILL after the grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
