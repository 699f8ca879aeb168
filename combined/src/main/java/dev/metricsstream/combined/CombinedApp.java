package dev.metricsstream.combined;

import dev.metricsstream.aggregator.AggregatorApp;
import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.common.ops.ProcessMetrics;
import dev.metricsstream.gateway.GatewayApp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The aggregator and the gateway in one JVM, each started from its own composition root exactly as its own
 * {@code main} starts it: the gateway still reads the aggregator's output from Kafka (its compacted topics), so a
 * combined replica behaves as one aggregator instance plus one gateway replica. What they share is the JVM (heap,
 * JIT, metaspace, GC threads), one Prometheus registry served on the gateway's {@code /metrics}, and the gateway's
 * {@code /livez} and {@code /readyz}, which include the aggregator's liveness (Kafka Streams not failed, its threads
 * alive) but not its readiness (see {@link #start}).
 */
public final class CombinedApp implements AutoCloseable {
    private final AggregatorApp aggregator;
    private final GatewayApp gateway;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CombinedApp(AggregatorApp aggregator, GatewayApp gateway) {
        this.aggregator = aggregator;
        this.gateway = gateway;
    }

    /** Starts the aggregator (topics, Kafka Streams), then the gateway; a gateway that cannot start stops both. */
    public static CombinedApp start(CombinedConfig config) throws InterruptedException {
        PrometheusRegistry registry = ProcessMetrics.newRegistryWithJvmMetrics();
        AggregatorApp aggregator = AggregatorApp.start(config.aggregator(),
                AggregatorApp.Deps.production().withRegistry(registry));
        GatewayApp gateway;
        try {
            gateway = GatewayApp.start(config.gateway(), GatewayApp.Deps.production().withRegistry(registry));
        } catch (RuntimeException e) {
            aggregator.close();
            throw e;
        }
        Health aggregatorHealth = aggregator.health();
        // liveness only: the aggregator's readiness (Kafka Streams RUNNING, state restored) fails in every rebalance,
        // which all replicas go through together, and would take every gateway out of the Service while the
        // gateway itself serves fine from what it has loaded
        gateway.health().addLiveness(HealthCheck.of("aggregator", () -> verdict(aggregatorHealth.live())));
        return new CombinedApp(aggregator, gateway);
    }

    /** One line for the combined probe: the aggregator's own failed checks, else ok. */
    private static HealthCheck.Result verdict(Health.Report report) {
        if (report.ok()) {
            return HealthCheck.Result.passed();
        }
        StringBuilder failed = new StringBuilder();
        for (String line : report.body().split("\n")) {
            if (line.startsWith("[-]")) {
                failed.append(failed.length() == 0 ? "" : "; ").append(line.substring(3));
            }
        }
        return HealthCheck.Result.failed(failed.toString());
    }

    /** Blocks until the aggregator's Kafka Streams has stopped; 1 if it failed, else 0 (closed by SIGTERM). */
    int awaitAggregatorStopped() throws InterruptedException {
        aggregator.awaitStopped();
        return aggregator.streams().state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    public AggregatorApp aggregator() {
        return aggregator;
    }

    public GatewayApp gateway() {
        return gateway;
    }

    /** Stops the gateway first (it stops answering), then the aggregator (commits, leaves its group). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            gateway.close();
            aggregator.close();
        }
    }
}
