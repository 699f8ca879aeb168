package dev.metricsstream.aggregator;

import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams running the aggregator's topology: a failed stream thread is logged and replaced, state changes are
 * logged, restores are tracked (for the readiness message), and {@link #awaitStopped} returns once it has stopped
 * (closed or failed).
 */
final class AggregatorStreams {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatorStreams.class);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final RestoreTracker restores = new RestoreTracker();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private AggregatorStreams(KafkaStreams streams) {
        this.streams = streams;
        streams.setGlobalStateRestoreListener(restores);
        streams.setUncaughtExceptionHandler(exception -> {
            LOG.atError().addKeyValue("reason", exception.getClass().getSimpleName())
                    .setCause(exception).log("stream thread failed; replacing it");
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((newState, oldState) -> {
            LOG.atInfo().addKeyValue("state", newState.name()).log("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    /** Builds the topology and its Kafka Streams (not started). */
    static AggregatorStreams create(Topics topics, AggregatorConfig config, AggregatorMetrics metrics) {
        return new AggregatorStreams(new KafkaStreams(AggregatorTopology.build(topics, config, metrics),
                AggregatorTopology.streamsProperties(topics, config, metrics)));
    }

    KafkaStreams kafkaStreams() {
        return streams;
    }

    RestoreTracker restores() {
        return restores;
    }

    void start() {
        streams.start();
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Leaves the group (so its partitions move at once) and closes, committing what was processed. */
    void close() {
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
        if (!clean) {
            LOG.atWarn().addKeyValue("reason", "close_timeout").log("Kafka Streams did not stop within {}",
                    CLOSE_TIMEOUT);
        }
    }
}
