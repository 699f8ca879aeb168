package dev.metricsstream.collector.it;

import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimNode;
import dev.metricsstream.testkit.pipeline.PipelineFixture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/** A collector scraping a simulated fleet and publishing to the test broker (the settings: testkit's fixture). */
final class CollectorFixture {
    static final String TOKEN = "it-token";

    private CollectorFixture() {
    }

    /** The collector's settings for every node of {@code sim}; the caller may change the map. */
    static Map<String, String> env(KubeletSimulator sim, KafkaBroker broker, Topics topics, Path dir) {
        return PipelineFixture.of(broker, topics, dir).collector(sim).env();
    }

    /** Every start of a collector in these tests that needs no other registry. */
    static CollectorApp collector(Map<String, String> env, InstantSource clock) {
        return CollectorApp.start(CollectorConfig.from(env), CollectorApp.Deps.production().withClock(clock)
                .withRegistry(new PrometheusRegistry()).withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    static SimNode node(KubeletSimulator sim, String name) {
        return sim.node(name);
    }
}
