package dev.metricsstream.gateway.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Runs the real kubectl against a gateway with a generated kubeconfig: the gateway's CA and a token user (a user
 * without credentials makes kubectl prompt). Skips the calling test when kubectl is not on PATH.
 */
public final class Kubectl {
    private Kubectl() {
    }

    public static Tools.Result run(Path dir, int httpsPort, String caPem, String... args) throws Exception {
        Path kubectl = Tools.find("kubectl");
        assumeTrue(kubectl != null, "kubectl is not on PATH: the kubectl checks are skipped");
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig",
                kubeconfig(dir, httpsPort, caPem).toString()));
        command.addAll(List.of(args));
        return Tools.run(command, Map.of("HOME", dir.toString(), "KUBECACHEDIR", dir.resolve("cache").toString()),
                null, dir);
    }

    /** The output with runs of blanks collapsed to one space, one entry per line. */
    public static List<String> rows(Tools.Result result) {
        return result.stdout().lines().map(line -> String.join(" ", line.trim().split("\\s+"))).toList();
    }

    private static Path kubeconfig(Path dir, int httpsPort, String caPem) throws Exception {
        String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        String config = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gateway
                  cluster:
                    server: https://127.0.0.1:%d
                    certificate-authority-data: %s
                users:
                - name: tester
                  user:
                    token: any-token
                contexts:
                - name: gateway
                  context:
                    cluster: gateway
                    user: tester
                current-context: gateway
                """.formatted(httpsPort, ca);
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, config);
        return file;
    }
}
