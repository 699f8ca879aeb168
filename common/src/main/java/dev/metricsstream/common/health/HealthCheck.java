package dev.metricsstream.common.health;

/** One named check, as metrics-server's probes: its name shows in the /livez or /readyz body. */
public interface HealthCheck {
    String name();

    Result check();

    /** Outcome of a check; {@code detail} says why it failed. */
    record Result(boolean healthy, String detail) {
        public static Result passed() {
            return new Result(true, "ok");
        }

        public static Result failed(String detail) {
            return new Result(false, detail);
        }
    }

    static HealthCheck of(String name, java.util.function.Supplier<Result> check) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result check() {
                return check.get();
            }
        };
    }
}
