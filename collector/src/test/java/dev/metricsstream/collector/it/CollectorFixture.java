package dev.metricsstream.collector.it;

import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Environment for a collector scraping a simulated fleet and publishing to the test broker. */
final class CollectorFixture {
    static final String TOKEN = "it-token";

    private CollectorFixture() {
    }

    static Map<String, String> env(KubeletSimulator sim, KafkaBroker broker, Topics topics, Path dir)
            throws IOException {
        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Map<String, String> env = new HashMap<>();
        env.put("KUBELET_TARGETS", sim.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                .collect(Collectors.joining(",")));
        env.put("KUBELET_CA_FILE", ca.toString());
        env.put("TOKEN_FILE", token.toString());
        env.put("METADATA_SOURCE", "kubelet");
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("TOPIC_PREFIX", topics.prefix());
        env.put("OPS_PORT", "-1");
        env.put("SHUTDOWN_TIMEOUT", "10s");
        return env;
    }

    static CollectorApp collector(Map<String, String> env, InstantSource clock) {
        return CollectorApp.start(CollectorConfig.from(env), CollectorApp.Deps.production().withClock(clock)
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    static SimNode node(KubeletSimulator sim, String name) {
        return sim.node(name);
    }
}
