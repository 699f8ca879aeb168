package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** No Docker engine here: the Dockerfile is read as text and checked for what an image build would rely on. */
class DockerfileTest {

    static final Dockerfile DOCKERFILE = Dockerfile.parse(Repo.read("Dockerfile"));

    @ParameterizedTest
    @CsvSource({
        "collector, dev.metricsstream.collector.CollectorMain",
        "aggregator, dev.metricsstream.aggregator.AggregatorMain",
        "api-gateway, dev.metricsstream.gateway.GatewayMain",
        "combined, dev.metricsstream.combined.CombinedMain",
        "kubelet-simulator, dev.metricsstream.testkit.kubelet.KubeletSimulatorMain"})
    void every_target_runs_its_main_as_a_numeric_non_root_user_on_a_jre(String target, String mainClass)
            throws Exception {
        assertTrue(DOCKERFILE.stages().containsKey(target), "no stage " + target);
        Dockerfile.Instruction user = DOCKERFILE.effective(target, "USER");
        assertNotNull(user, target + " has no USER");
        Matcher numeric = Pattern.compile("(\\d+)(?::(\\d+))?").matcher(user.arguments());
        assertTrue(numeric.matches(), target + ": USER must be numeric (runAsNonRoot can verify only a number), got "
                + user.arguments());
        assertTrue(Integer.parseInt(numeric.group(1)) != 0, target + " runs as root");
        assertEquals("65532", numeric.group(1));
        assertTrue(DOCKERFILE.baseImage(target).matches("eclipse-temurin:17-jre.*|gcr.io/distroless/java17.*"),
                target + " should run on a small JRE, got " + DOCKERFILE.baseImage(target));

        Dockerfile.Instruction entrypoint = DOCKERFILE.effective(target, "ENTRYPOINT");
        assertNotNull(entrypoint, target + " has no ENTRYPOINT");
        assertTrue(entrypoint.arguments().startsWith("["), "exec form, so SIGTERM reaches the JVM");
        assertTrue(entrypoint.arguments().contains("\"" + mainClass + "\""), entrypoint.arguments());
        Class.forName(mainClass).getMethod("main", String[].class); // the class really exists and has a main
    }

    @Test
    void the_collector_image_carries_the_jvm_options_its_readme_recommends() {
        String options = DOCKERFILE.effective("collector", "ENV").arguments();
        for (String flag : List.of("-Xmx64m", "-Xms8m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30", "-XX:TieredStopAtLevel=1", "-Xss256k", "-XX:MaxMetaspaceSize=64m",
                "-XX:ReservedCodeCacheSize=32m")) {
            assertTrue(options.contains(flag), "collector JAVA_TOOL_OPTIONS lacks " + flag);
            assertTrue(Repo.read("collector/README.md").contains(flag), "collector/README.md no longer says " + flag);
        }
        assertTrue(DOCKERFILE.effective("collector", "ENV") != null);
        assertTrue(DOCKERFILE.stages().get("runtime").all("ENV").get(0).arguments().contains("MALLOC_ARENA_MAX=2"));
        for (String target : List.of("aggregator", "api-gateway")) {
            assertTrue(DOCKERFILE.effective(target, "ENV").arguments().contains("-XX:MaxRAMPercentage="),
                    target + " sizes its heap from the container limit");
        }
    }

    @Test
    void the_combined_image_runs_both_services_with_a_bounded_serial_heap_and_a_state_dir() {
        String env = DOCKERFILE.effective("combined", "ENV").arguments();
        // the small-footprint settings measured for both services; the heap bounded by the container limit
        for (String flag : List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError")) {
            assertTrue(env.contains(flag), "combined JAVA_TOOL_OPTIONS lacks " + flag);
            assertTrue(Repo.read("README.md").contains(flag), "README.md does not document the combined image's " + flag);
        }
        assertFalse(env.contains("-Xmx"), "a fixed -Xmx would ignore the limit the combined Deployment sets");
        // the aggregator's RocksDB lives there; the directory exists in the runtime base, owned by the runtime user
        assertTrue(env.contains("STATE_DIR=/var/lib/metrics-stream/state"), env);
        assertTrue(DOCKERFILE.stages().get("runtime").all("RUN").get(0).arguments()
                .contains("/var/lib/metrics-stream/state"));
        // what the combined module ships: its jar and its runtime classpath, which holds both services
        String build = DOCKERFILE.stages().get("build").all("RUN").get(0).arguments();
        assertTrue(build.matches("(?s).*-pl [a-z,-]*\\bcombined\\b.*"), "the build stage builds the combined module");
        assertTrue(build.matches("(?s).*for m in [a-z -]*\\bcombined\\b.*"), "and copies its jar and classpath to /out");
        assertTrue(DOCKERFILE.stages().get("combined").all("COPY").get(0).arguments()
                .equals("--from=build /out/combined/ /app/lib/"));
        assertTrue(DOCKERFILE.effective("combined", "EXPOSE").arguments().contains("8443"),
                "the gateway's HTTPS port serves the API, the probes and /metrics of both services");
    }

    @Test
    void every_path_copied_from_the_build_context_exists() {
        List<String> missing = new ArrayList<>();
        for (Dockerfile.Stage stage : DOCKERFILE.stages().values()) {
            for (Dockerfile.Instruction copy : stage.all("COPY")) {
                if (copy.arguments().startsWith("--from=")) {
                    continue;
                }
                String[] words = copy.arguments().split("\\s+");
                for (int i = 0; i < words.length - 1; i++) { // the last word is the destination
                    if (!words[i].startsWith("--") && !Files.exists(Repo.file(words[i]))) {
                        missing.add(words[i] + " (line " + copy.line() + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void the_build_stage_copies_every_module_pom_of_the_reactor() {
        String pom = Repo.read("pom.xml");
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        List<String> copies = DOCKERFILE.stages().get("build").all("COPY").stream()
                .map(Dockerfile.Instruction::arguments).toList();
        while (module.find()) {
            String name = module.group(1);
            assertTrue(copies.stream().anyMatch(c -> c.startsWith(name + "/ ") || c.startsWith(name + "/pom.xml ")),
                    "the reactor needs " + name + "/pom.xml inside the build stage");
        }
    }

    @Test
    void files_copied_from_the_build_stage_are_produced_there() {
        String build = DOCKERFILE.stages().get("build").all("RUN").get(0).arguments();
        for (Map.Entry<String, Dockerfile.Stage> stage : DOCKERFILE.stages().entrySet()) {
            for (Dockerfile.Instruction copy : stage.getValue().all("COPY")) {
                Matcher from = Pattern.compile("--from=build /out/([a-z-]+)/").matcher(copy.arguments());
                if (from.find()) {
                    assertTrue(build.contains(from.group(1)), "build stage does not produce /out/" + from.group(1));
                }
            }
        }
    }

    @Test
    void the_reader_rejects_what_docker_would_reject() {
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse("USER 65532\nFROM x\n"));
        assertThrows(IllegalArgumentException.class, () -> Dockerfile.parse("FROM x\nRUN a \\"));
    }
}
