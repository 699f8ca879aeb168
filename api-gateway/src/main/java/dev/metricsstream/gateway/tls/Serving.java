package dev.metricsstream.gateway.tls;

/**
 * Where and how the gateway listens: HTTPS on {@code httpsPort} with {@code tls} (0 = any free port), and plain HTTP
 * on {@code httpPort} (-1 = no plain-HTTP port; 0 = any free port), both on {@code bindAddress}.
 */
public record Serving(String bindAddress, int httpsPort, int httpPort, TlsMaterial tls) {
}
