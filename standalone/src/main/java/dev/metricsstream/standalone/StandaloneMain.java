package dev.metricsstream.standalone;

import ch.qos.logback.classic.Level;
import dev.metricsstream.common.config.ConfigException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics-stream up}: parses the flags, starts {@link Standalone}, stops it on Ctrl-C/SIGTERM. Bad flags, a
 * port in use or any other start failure end with one line on stderr and a non-zero exit, never a stack trace.
 */
public final class StandaloneMain {
    /** Exit code for bad flags and unusable settings (ports in use, a locked work dir). */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a failure while starting. */
    public static final int EXIT_FAILED = 1;

    private StandaloneMain() {
    }

    /** The outcome of {@link #launch}: a running pipeline, or the exit code to end with. */
    public record Launch(int exitCode, Standalone running) {
    }

    public static void main(String[] args) throws InterruptedException {
        quietLibraries();
        AtomicReference<Standalone> current = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // registered before anything starts: Ctrl-C while starting stops what is already up
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Standalone running = current.get();
            if (running != null) {
                System.out.println("stopping (reverse order) ...");
                running.close();
                System.out.println("stopped; data kept for the next start");
            }
            stopped.countDown();
        }, "standalone-shutdown"));
        Launch launch = launch(args, System.out, System.err, Duration.ofSeconds(90), current::set);
        if (launch.running() == null) {
            // a failed start has already closed what it started: the hook has nothing to stop or report, and the
            // one line on stderr stays the only one
            current.set(null);
            System.exit(launch.exitCode());
            return;
        }
        stopped.await();
    }

    /** Parses and starts; never throws for bad input, never calls {@code System.exit}. */
    public static Launch launch(String[] args, PrintStream out, PrintStream err, Duration firstRatesTimeout) {
        return launch(args, out, err, firstRatesTimeout, s -> { });
    }

    static Launch launch(String[] args, PrintStream out, PrintStream err, Duration firstRatesTimeout,
            Consumer<Standalone> created) {
        StandaloneOptions options;
        try {
            options = StandaloneOptions.parse(args, defaultWorkDir());
        } catch (UsageException e) {
            err.println("metrics-stream: " + e.getMessage());
            return new Launch(EXIT_USAGE, null);
        }
        if (options.help()) {
            out.println(StandaloneOptions.USAGE);
            return new Launch(0, null);
        }
        try {
            return new Launch(0, Standalone.start(options, out, firstRatesTimeout, created));
        } catch (UsageException e) {
            err.println("metrics-stream: " + e.getMessage());
            return new Launch(EXIT_USAGE, null);
        } catch (ConfigException e) {
            err.println("metrics-stream: invalid setting: " + oneLine(e.getMessage()));
            return new Launch(EXIT_USAGE, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("metrics-stream: interrupted while starting");
            return new Launch(EXIT_FAILED, null);
        } catch (Exception | Error e) {
            LoggerFactory.getLogger(StandaloneMain.class).atDebug().setCause(e).log("start failed");
            err.println("metrics-stream: " + describe(e));
            return new Launch(bindProblem(e) != null ? EXIT_USAGE : EXIT_FAILED, null);
        }
    }

    static String describe(Throwable e) {
        BindException bind = bindProblem(e);
        if (bind != null) {
            return "a port is already in use (" + oneLine(bind.getMessage()) + "); choose others with --https-port/"
                    + "--http-port";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return "failed to start: " + oneLine(message);
    }

    private static BindException bindProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", "; ");
    }

    /** {@code ./.metrics-stream} when run from the repository (it has {@code mvnw}), else {@code ~/.metrics-stream}. */
    static Path defaultWorkDir() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.exists(cwd.resolve("mvnw")) && Files.isDirectory(cwd.resolve("standalone"))) {
            return cwd.resolve(".metrics-stream");
        }
        return Path.of(System.getProperty("user.home"), ".metrics-stream");
    }

    /** Library loggers down to what a person at the console needs. */
    static void quietLibraries() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            // a local run shows progress lines; the broker's and clients' recoverable warnings (topics being
            // created, a rebalance) would bury them
            for (String name : new String[] {"kafka", "state.change.logger", "org.apache.kafka"}) {
                context.getLogger(name).setLevel(Level.ERROR);
            }
            for (String name : new String[] {"org.eclipse.jetty", "io.javalin", "org.rocksdb"}) {
                context.getLogger(name).setLevel(Level.WARN);
            }
        }
    }
}
