package dev.metricsstream.common.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void readiness_includes_liveness_and_names_every_check() {
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        Health health = new Health()
                .addLiveness(HealthCheck.of("scrape-loop", HealthCheck.Result::passed))
                .addReadiness(HealthCheck.of("stores-caught-up",
                        () -> caughtUp.get() ? HealthCheck.Result.passed()
                                : HealthCheck.Result.failed("2 partitions behind")));

        Health.Report notReady = health.ready();
        assertFalse(notReady.ok());
        assertEquals("[+]scrape-loop ok\n[-]stores-caught-up failed: 2 partitions behind\nreadyz check failed\n",
                notReady.body());
        assertTrue(health.live().ok());

        caughtUp.set(true);
        assertTrue(health.ready().ok());
    }

    @Test
    void a_check_that_throws_counts_as_failed_instead_of_breaking_the_probe() {
        Health health = new Health().addLiveness(HealthCheck.of("broken", () -> {
            throw new IllegalStateException("boom");
        }));
        Health.Report report = health.live();
        assertFalse(report.ok());
        assertTrue(report.body().contains("[-]broken failed: IllegalStateException: boom"), report.body());
    }
}
