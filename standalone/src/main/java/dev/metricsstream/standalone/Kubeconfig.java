package dev.metricsstream.standalone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The kubeconfig written for the standalone gateway. The user carries a token although authentication is off:
 * kubectl prompts for a username when a user has no credentials at all (EOF, an error, in CI). The gateway's certificate is
 * self-signed and made fresh at every start, so TLS verification is skipped (loopback only).
 */
final class Kubeconfig {
    static final String TOKEN = "standalone-authentication-is-off";
    static final String CONTEXT = "metrics-stream-standalone";

    private Kubeconfig() {
    }

    static Path write(Path file, int httpsPort) throws IOException {
        String yaml = String.join("\n",
                "# written by metrics-stream standalone; the gateway runs with AUTH_MODE=off, the token is ignored",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: " + CONTEXT,
                "  cluster:",
                "    server: https://127.0.0.1:" + httpsPort,
                "    insecure-skip-tls-verify: true",
                "users:",
                "- name: " + CONTEXT,
                "  user:",
                "    token: " + TOKEN,
                "contexts:",
                "- name: " + CONTEXT,
                "  context:",
                "    cluster: " + CONTEXT,
                "    user: " + CONTEXT,
                "current-context: " + CONTEXT,
                "");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
