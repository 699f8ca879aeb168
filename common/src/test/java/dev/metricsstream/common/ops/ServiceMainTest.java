package dev.metricsstream.common.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.metricsstream.common.config.EnvReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ServiceMainTest {

    record Config(int port, String name) {
        static Config from(Map<String, String> env) {
            EnvReader reader = new EnvReader(env);
            int port = reader.integer("PORT", 1, 1, 10);
            String name = reader.required("NAME");
            reader.finish();
            return new Config(port, name);
        }
    }

    final Logger log = (Logger) LoggerFactory.getLogger("service-main-test");
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final List<Integer> exits = new ArrayList<>();
    final AtomicBoolean started = new AtomicBoolean();

    @BeforeEach
    void capture() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
    }

    List<String> lines() {
        return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + " "
                + e.getKeyValuePairs()).toList();
    }

    @Test
    void every_configuration_problem_is_one_error_line_and_the_exit_code_is_2() throws Exception {
        ServiceMain.run(Map.of("PORT", "99"), log, Config::from, config -> {
            started.set(true);
            return () -> { };
        }, app -> 0, exits::add);

        assertEquals(List.of(2), exits);
        assertFalse(started.get(), "nothing starts with an invalid configuration");
        assertEquals(2, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("ERROR invalid configuration: PORT must be between 1 and 10, got 99"),
                lines().get(0));
        assertTrue(lines().get(1).startsWith("ERROR invalid configuration: NAME is required"), lines().get(1));
        assertTrue(lines().get(1).contains("reason=\"invalid_config\""), lines().get(1));
    }

    @Test
    void a_refused_start_is_one_line_with_its_reason_and_exit_code_2() throws Exception {
        ServiceMain.run(Map.of("NAME", "x"), log, Config::from, config -> {
            throw new ServiceMain.CannotStart("port_in_use", "PORT 1 is already in use");
        }, app -> 0, exits::add);

        assertEquals(List.of(2), exits);
        assertEquals(1, lines().size(), lines().toString());
        assertTrue(lines().get(0).startsWith("ERROR cannot start: PORT 1 is already in use"), lines().get(0));
        assertTrue(lines().get(0).contains("reason=\"port_in_use\""), lines().get(0));
    }

    @Test
    void a_service_that_fails_by_itself_is_closed_and_exits_with_its_code() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        ServiceMain.run(Map.of("NAME", "x"), log, Config::from, config -> () -> closed.set(true), app -> 1,
                exits::add);

        assertEquals(List.of(1), exits);
        assertTrue(closed.get());
    }
}
