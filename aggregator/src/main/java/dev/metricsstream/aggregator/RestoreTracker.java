package dev.metricsstream.aggregator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names the changelog partitions being restored right now (for the readiness message and the log). */
final class RestoreTracker implements StateRestoreListener {

    private final Set<String> restoring = ConcurrentHashMap.newKeySet();

    private static final Logger LOG = LoggerFactory.getLogger(RestoreTracker.class);

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoring.add(storeName + "/" + partition);
        LOG.atInfo().addKeyValue("store", storeName).addKeyValue("partition", partition.toString())
                .log("restoring {} records of {} from {}", endingOffset - startingOffset, storeName, partition);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset,
                                long numRestored) {
        // progress is visible in Kafka Streams' restore metrics
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(storeName + "/" + partition);
        LOG.atInfo().addKeyValue("store", storeName).addKeyValue("partition", partition.toString())
                .log("restored {} records of {} from {}", totalRestored, storeName, partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(storeName + "/" + partition);
    }

    Set<String> restoring() {
        return Set.copyOf(restoring);
    }
}
