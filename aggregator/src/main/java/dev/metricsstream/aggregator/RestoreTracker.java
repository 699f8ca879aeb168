package dev.metricsstream.aggregator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/** Knows which changelog partitions are being restored right now: the instance is not ready while any is. */
final class RestoreTracker implements StateRestoreListener {

    private final Set<String> restoring = ConcurrentHashMap.newKeySet();

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoring.add(storeName + "/" + partition);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset,
                                long numRestored) {
        // progress is visible in Kafka Streams' restore metrics
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(storeName + "/" + partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(storeName + "/" + partition);
    }

    Set<String> restoring() {
        return Set.copyOf(restoring);
    }
}
