package dev.metricsstream.aggregator;

import dev.metricsstream.common.health.Health;
import dev.metricsstream.common.health.HealthCheck;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * The aggregator's named health checks. Live: Kafka Streams not failed, some stream thread alive. Ready: Kafka Streams
 * RUNNING, its state restored, and the topics right (the check of the topic administration step).
 */
final class AggregatorHealth {

    private AggregatorHealth() {
    }

    static Health of(KafkaStreams streams, RestoreTracker restores, HealthCheck topics) {
        return new Health()
                .addLiveness(HealthCheck.of("streams-not-failed", () -> {
                    KafkaStreams.State state = streams.state();
                    return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                            || state == KafkaStreams.State.NOT_RUNNING
                            ? HealthCheck.Result.failed("Kafka Streams is " + state)
                            : HealthCheck.Result.passed();
                }))
                .addLiveness(HealthCheck.of("stream-threads-alive", () -> {
                    if (streams.state() != KafkaStreams.State.RUNNING
                            && streams.state() != KafkaStreams.State.REBALANCING) {
                        return HealthCheck.Result.passed();
                    }
                    Set<ThreadMetadata> threads = streams.metadataForLocalThreads();
                    long alive = threads.stream().filter(t -> !"DEAD".equals(t.threadState())).count();
                    return alive > 0 ? HealthCheck.Result.passed()
                            : HealthCheck.Result.failed("no stream thread alive");
                }))
                .addReadiness(HealthCheck.of("streams-running", () -> streams.state() == KafkaStreams.State.RUNNING
                        ? HealthCheck.Result.passed()
                        : HealthCheck.Result.failed("Kafka Streams is " + streams.state())))
                .addReadiness(HealthCheck.of("state-restored", () -> {
                    // Kafka Streams' own count is the truth; the listener only names what is being restored
                    double remaining = remainingRestoreRecords(streams);
                    return remaining <= 0 ? HealthCheck.Result.passed()
                            : HealthCheck.Result.failed((long) remaining + " records to restore into "
                                    + restores.restoring());
                }))
                .addReadiness(topics);
    }

    /** Sum of Kafka Streams' {@code restore-remaining-records-total} over all tasks (0 when nothing restores). */
    static double remainingRestoreRecords(KafkaStreams streams) {
        double remaining = 0;
        for (Map.Entry<MetricName, ? extends Metric> metric : streams.metrics().entrySet()) {
            if (metric.getKey().name().equals("restore-remaining-records-total")
                    && metric.getValue().metricValue() instanceof Number number
                    && !Double.isNaN(number.doubleValue())) {
                remaining += number.doubleValue();
            }
        }
        return remaining;
    }
}
