package dev.metricsstream.common.config;

/**
 * The ops port ({@code /metrics}, {@code /healthz}, {@code /livez}, {@code /readyz}) every service that has one
 * reads the same way.
 *
 * @param host {@code OPS_HOST}, the bind address
 * @param port {@code OPS_PORT}; {@code -1} disables the port, {@code 0} picks a free one
 */
public record OpsSettings(String host, int port) {

    public static OpsSettings from(EnvReader reader, int defaultPort) {
        return new OpsSettings(reader.string("OPS_HOST", "0.0.0.0"), reader.integer("OPS_PORT", defaultPort, -1, 65_535));
    }

    /** Whether the port is served at all ({@code OPS_PORT=-1} disables it). */
    public boolean enabled() {
        return port >= 0;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
