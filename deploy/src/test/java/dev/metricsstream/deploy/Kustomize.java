package dev.metricsstream.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** Renders kustomizations with the real {@code kubectl kustomize}. */
final class Kustomize {
    private Kustomize() {
    }

    /** Whether kubectl can render here (the reason to skip otherwise). */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String render(Path dir) throws IOException, InterruptedException {
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + Files.readString(err));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The rendered documents as plain maps (nulls from empty documents dropped). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String rendered) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(rendered)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /**
     * Everything to render: base, every example overlay, and base plus each component on its own and all together
     * (written as generated kustomizations under target/).
     */
    static List<Path> targets() throws IOException {
        Path root = Repo.root();
        List<Path> targets = new ArrayList<>();
        targets.add(root.resolve("k8s/base"));
        try (Stream<Path> examples = Files.list(root.resolve("k8s/examples"))) {
            examples.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().forEach(targets::add);
        }
        List<String> components = new ArrayList<>();
        try (Stream<Path> list = Files.list(root.resolve("k8s/components"))) {
            list.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted()
                    .forEach(d -> components.add(d.getFileName().toString()));
        }
        Path generated = root.resolve("deploy/target/kustomize");
        for (String component : components) {
            targets.add(combination(generated.resolve("base+" + component), List.of(component)));
        }
        if (components.size() > 1) {
            targets.add(combination(generated.resolve("base+all-components"), components));
        }
        return targets;
    }

    private static Path combination(Path dir, List<String> components) throws IOException {
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources:\n  - ../../../../k8s/base\ncomponents:\n");
        for (String component : components) {
            text.append("  - ../../../../k8s/components/").append(component).append('\n');
        }
        Files.writeString(dir.resolve("kustomization.yaml"), text);
        return dir;
    }
}
