package dev.metricsstream.common.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The liveness and readiness checks of one process. Rendered like a Kubernetes apiserver renders its probes:
 * one line per check ({@code [+]name ok} / {@code [-]name failed: reason}) and a last line with the verdict.
 */
public final class Health {
    private final List<HealthCheck> liveness = new CopyOnWriteArrayList<>();
    private final List<HealthCheck> readiness = new CopyOnWriteArrayList<>();

    /** A liveness check is also a readiness check: a process that is not alive is not ready. */
    public Health addLiveness(HealthCheck check) {
        liveness.add(check);
        return this;
    }

    public Health addReadiness(HealthCheck check) {
        readiness.add(check);
        return this;
    }

    public Report live() {
        return run("livez", liveness);
    }

    public Report ready() {
        List<HealthCheck> all = new ArrayList<>(liveness);
        all.addAll(readiness);
        return run("readyz", all);
    }

    private static Report run(String probe, List<HealthCheck> checks) {
        StringBuilder body = new StringBuilder();
        boolean ok = true;
        for (HealthCheck check : checks) {
            HealthCheck.Result result;
            try {
                result = check.check();
            } catch (RuntimeException e) {
                result = HealthCheck.Result.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            ok &= result.healthy();
            body.append(result.healthy() ? "[+]" : "[-]").append(check.name())
                    .append(result.healthy() ? " ok" : " failed: " + result.detail()).append('\n');
        }
        body.append(ok ? probe + " check passed" : probe + " check failed").append('\n');
        return new Report(ok, body.toString());
    }

    /** A rendered probe answer. */
    public record Report(boolean ok, String body) {
    }
}
