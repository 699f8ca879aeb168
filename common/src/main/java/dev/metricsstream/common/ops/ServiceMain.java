package dev.metricsstream.common.ops;

import dev.metricsstream.common.config.ConfigException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;

/**
 * What every service's {@code main} does, done one way: read the configuration from the environment (every problem
 * logged, one error line each with {@code reason=invalid_config}, then exit code 2), start the service (a refusal
 * to start is one error line and exit code 2), run until SIGTERM, when the service is closed. A service that can
 * also stop by itself (Kafka Streams failing) says so with an {@link Await}.
 */
public final class ServiceMain {
    /** The exit code of a configuration the service cannot run with. */
    public static final int EXIT_INVALID = 2;

    private ServiceMain() {
    }

    /** Starts a service from its configuration. */
    @FunctionalInterface
    public interface Start<C, A extends AutoCloseable> {
        A start(C config) throws Exception;
    }

    /**
     * Blocks while the started service runs; returns 0 when it stopped cleanly (SIGTERM), else the exit code of a
     * service that stopped by itself.
     */
    @FunctionalInterface
    public interface Await<A> {
        int await(A app) throws InterruptedException;
    }

    /** A start that cannot go on for a reason the user can fix: logged as one line, exit code 2. */
    public static final class CannotStart extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        /**
         * @param reason  stable key for the log ({@code port_in_use}, ...)
         * @param message what is wrong and what to do, one line
         */
        public CannotStart(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** Runs a service until SIGTERM. */
    public static <C, A extends AutoCloseable> void run(Logger log, Function<Map<String, String>, C> config,
            Start<C, A> start) throws Exception {
        run(log, config, start, app -> {
            new CountDownLatch(1).await(); // until the JVM exits; the shutdown hook closes the app
            return 0;
        });
    }

    /** Runs a service until SIGTERM or until it stops by itself ({@code await} returns its exit code). */
    public static <C, A extends AutoCloseable> void run(Logger log, Function<Map<String, String>, C> config,
            Start<C, A> start, Await<A> await) throws Exception {
        run(System.getenv(), log, config, start, await, System::exit);
    }

    /** {@link #run(Logger, Function, Start, Await)} with the environment and the way to exit given (tests). */
    static <C, A extends AutoCloseable> void run(Map<String, String> env, Logger log,
            Function<Map<String, String>, C> config, Start<C, A> start, Await<A> await, IntConsumer exit)
            throws Exception {
        C settings;
        try {
            settings = config.apply(Map.copyOf(env));
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                log.atError().addKeyValue("reason", "invalid_config").log("invalid configuration: {}", problem);
            }
            exit.accept(EXIT_INVALID);
            return;
        }
        A app;
        try {
            app = start.start(settings);
        } catch (CannotStart e) {
            log.atError().addKeyValue("reason", e.reason()).log("cannot start: {}", e.getMessage());
            exit.accept(EXIT_INVALID);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("SIGTERM: stopping");
            close(log, app);
        }, "shutdown"));
        int code = await.await(app);
        if (code != 0) { // stopped by itself, failed: a clean stop (SIGTERM) leaves the rest to the shutdown hook
            close(log, app);
            exit.accept(code);
        }
    }

    private static void close(Logger log, AutoCloseable app) {
        try {
            app.close();
        } catch (Exception e) {
            log.atWarn().addKeyValue("reason", "close_failed").setCause(e).log("stopping failed");
        }
    }
}
