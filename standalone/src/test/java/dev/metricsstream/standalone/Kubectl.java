package dev.metricsstream.standalone;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against a kubeconfig; tests skip with a message when kubectl is not on PATH. */
final class Kubectl {
    record Result(int exitCode, String stdout, String stderr) {
        /** Output rows with runs of blanks collapsed to one, header included. */
        List<List<String>> rows() {
            return stdout.lines().filter(l -> !l.isBlank()).map(l -> List.of(l.trim().split("\\s+"))).toList();
        }
    }

    private Kubectl() {
    }

    static Path find() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "kubectl");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    static Result run(Path kubeconfig, Path workDir, String... args) throws Exception {
        Path kubectl = find();
        assumeTrue(kubectl != null, "kubectl is not on PATH: the kubectl top checks are skipped");
        List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "kubectl", ".out");
        Path err = Files.createTempFile(workDir, "kubectl", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("HOME", workDir.toString()); // no cache or config of the machine's user
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
