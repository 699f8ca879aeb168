package dev.metricsstream.standalone;

import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole chain in-process on the simulator's clock: kubelet simulator (real HTTPS and wire formats) → collector →
 * broker → aggregator → gateway (HTTPS and HTTP on free loopback ports, authentication off, the simulator's clock as
 * "now"). {@link #round} advances the clock by one resolution and scrapes every node once, without waiting.
 */
final class SimulatedChain implements AutoCloseable {
    static final String TOKEN = "chain-token";

    final SimClock clock;
    final KubeletSimulator sim;
    final Topics topics;
    final AggregatorApp aggregator;
    final GatewayApp gateway;
    final CollectorApp collector;

    /**
     * @param aggregatorExtra further aggregator variables (e.g. {@code WINDOW_GRACE})
     */
    SimulatedChain(KafkaBroker broker, Path dir, SimClock clock, KubeletSimulator.Builder simulator,
            Map<String, String> aggregatorExtra) throws Exception {
        this.clock = clock;
        this.topics = broker.createUniqueTopics(3);
        String id = topics.prefix().replace(".", "");
        this.sim = simulator.clock(clock).token(TOKEN).build().start();
        Map<String, String> kafka = Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "TOPIC_PREFIX", topics.prefix());

        Map<String, String> aggregatorEnv = new HashMap<>(kafka);
        aggregatorEnv.put("APPLICATION_ID", "chain-" + id);
        aggregatorEnv.put("STATE_DIR", dir.resolve("aggregator-state").toString());
        aggregatorEnv.put("OPS_PORT", "-1");
        aggregatorEnv.put("STALENESS_BOUND", "10m"); // simulated time runs ahead of the wall clock
        aggregatorEnv.put("TOPIC_REPLICATION_FACTOR", "1");
        aggregatorEnv.putAll(aggregatorExtra);
        this.aggregator = AggregatorApp.start(AggregatorConfig.from(aggregatorEnv), AggregatorApp.Deps.production());

        Map<String, String> gatewayEnv = new HashMap<>(kafka);
        gatewayEnv.put("APPLICATION_ID", "chain-gateway-" + id);
        gatewayEnv.put("STATE_DIR", dir.resolve("gateway-state").toString());
        gatewayEnv.put("BIND_ADDRESS", "127.0.0.1");
        gatewayEnv.put("HTTPS_PORT", "0");
        gatewayEnv.put("HTTP_PORT", "0");
        gatewayEnv.put("AUTH_MODE", "off");
        this.gateway = GatewayApp.start(GatewayConfig.from(gatewayEnv),
                GatewayApp.Deps.production().withClock(clock).withRegistry(new PrometheusRegistry()));

        Path ca = sim.writeCaCertificatePem(dir.resolve("kubelet-ca.crt"));
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Map<String, String> collectorEnv = new HashMap<>(kafka);
        collectorEnv.put("KUBELET_TARGETS", sim.nodes().stream().map(n -> n.name() + "=" + n.baseUrl())
                .collect(Collectors.joining(",")));
        collectorEnv.put("KUBELET_CA_FILE", ca.toString());
        collectorEnv.put("TOKEN_FILE", token.toString());
        collectorEnv.put("METADATA_SOURCE", "kubelet");
        collectorEnv.put("OPS_PORT", "-1");
        collectorEnv.put("SHUTDOWN_TIMEOUT", "10s");
        this.collector = CollectorApp.start(CollectorConfig.from(collectorEnv), CollectorApp.Deps.production()
                .withClock(clock).withRegistry(new PrometheusRegistry())
                .withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    /** Advances the clock by {@code step} and scrapes every simulated kubelet once. */
    void round(Duration step) throws InterruptedException {
        clock.advance(step);
        collector.scrapeOnce();
    }

    String httpsBase() {
        return "https://127.0.0.1:" + gateway.httpsPort();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable c : new AutoCloseable[] {collector, gateway, aggregator, sim}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
