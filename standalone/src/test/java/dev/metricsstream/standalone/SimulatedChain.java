package dev.metricsstream.standalone;

import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.collector.CollectorApp;
import dev.metricsstream.collector.CollectorConfig;
import dev.metricsstream.gateway.GatewayConfig;
import dev.metricsstream.gateway.GatewayApp;
import dev.metricsstream.schemas.Topics;
import dev.metricsstream.testkit.kafka.KafkaBroker;
import dev.metricsstream.testkit.kubelet.KubeletSimulator;
import dev.metricsstream.testkit.kubelet.SimClock;
import dev.metricsstream.testkit.pipeline.PipelineFixture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * The whole chain in-process on the simulator's clock: kubelet simulator (real HTTPS and wire formats) → collector →
 * broker → aggregator → gateway (HTTPS on a free loopback port, authentication off, the simulator's clock as "now"),
 * with the settings of testkit's {@link PipelineFixture}. {@link #round} advances the clock by one resolution and
 * scrapes every node once, without waiting.
 *
 * <p>Every start of a service in this module's tests goes through {@link #startCollector}, {@link #startAggregator}
 * and {@link #startGateway}: the one place to change when a service's entry point changes.
 */
final class SimulatedChain implements AutoCloseable {
    static final String TOKEN = "chain-token";

    final SimClock clock;
    final KubeletSimulator sim;
    final Topics topics;
    final PipelineFixture pipeline;
    final AggregatorApp aggregator;
    final GatewayApp gateway;
    final CollectorApp collector;

    /** Starts the simulator built by {@code simulator} on {@code clock}, then aggregator, gateway and collector. */
    SimulatedChain(KafkaBroker broker, Path dir, SimClock clock, KubeletSimulator.Builder simulator) throws Exception {
        this.clock = clock;
        this.topics = broker.createUniqueTopics(3);
        this.pipeline = PipelineFixture.of(broker, topics, dir);
        this.sim = simulator.clock(clock).token(TOKEN).build().start();
        AggregatorApp startedAggregator = null;
        GatewayApp startedGateway = null;
        try {
            startedAggregator = startAggregator(pipeline.aggregator());
            startedGateway = startGateway(pipeline.gateway(), clock);
            this.collector = startCollector(pipeline.collector(sim), clock);
        } catch (Exception | Error e) {
            closeAll(e, startedGateway, startedAggregator, sim);
            throw e;
        }
        this.aggregator = startedAggregator;
        this.gateway = startedGateway;
    }

    /** A collector on the simulated clock; {@link CollectorApp#scrapeOnce} scrapes, no loop runs. */
    static CollectorApp startCollector(PipelineFixture.CollectorSettings settings, InstantSource clock) {
        return CollectorApp.start(CollectorConfig.from(settings.env()), CollectorApp.Deps.production()
                .withClock(clock).withRegistry(new PrometheusRegistry())
                .withLoopStart(CollectorApp.LoopStart.callerDriven()));
    }

    static AggregatorApp startAggregator(PipelineFixture.AggregatorSettings settings) throws Exception {
        return AggregatorApp.start(AggregatorConfig.from(settings.env()), AggregatorApp.Deps.production());
    }

    /** A gateway taking {@code clock} as "now" (what is stale, what the served timestamps are compared with). */
    static GatewayApp startGateway(PipelineFixture.GatewaySettings settings, InstantSource clock) throws Exception {
        return GatewayApp.start(GatewayConfig.from(settings.env()),
                GatewayApp.Deps.production().withClock(clock).withRegistry(new PrometheusRegistry()));
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
        closeAll(null, collector, gateway, aggregator, sim);
    }

    /** Closes each in turn; the first failure (after {@code failure}, when given) is thrown, the rest suppressed. */
    static void closeAll(Throwable failure, AutoCloseable... closeables) throws Exception {
        Exception first = null;
        for (AutoCloseable c : closeables) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
