package dev.metricsstream.gateway.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of some topics with a plain consumer on its own thread: no consumer group ({@code assign},
 * every replica reads everything), no commits, no local state. It waits (as long as it takes, until closed) for
 * Kafka to answer and the topics to exist, seeks every partition to its start position, notes the end offsets at
 * that moment and hands every record to the {@link Handler}; once every partition's position has reached the end
 * offset noted at start, the handler hears {@link Handler#restored()} once. While Kafka is away the consumer keeps
 * retrying and the handler's data stays as it is.
 */
final class TopicLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicLoader.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    /** Short while restoring: the last poll before the end offsets must not wait for records that will not come. */
    private static final Duration RESTORE_POLL = Duration.ofMillis(50);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** What is done with the records; called on the loader's thread only. */
    interface Handler {
        /** One record; {@code restoring} while the end offsets seen at start are not reached yet. */
        void record(ConsumerRecord<String, byte[]> record, boolean restoring);

        /** Every partition has been read up to the end offsets seen at start (called once). */
        void restored();
    }

    /** Where each partition starts: its beginning, or a position chosen by the caller (e.g. by time). */
    interface StartPositions {
        /** Offsets to seek to; a partition missing from the answer starts at its beginning. */
        Map<TopicPartition, Long> choose(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions);

        StartPositions BEGINNING = (consumer, partitions) -> Map.of();
    }

    private final String name;
    private final Map<String, Object> consumerConfig;
    private final List<String> topics;
    private final StartPositions start;
    private final Handler handler;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String waitingFor = "not started";
    private volatile boolean restored;
    private volatile Throwable failure;
    private volatile long lagRecords = -1;
    private volatile int partitionsLeft = -1;

    TopicLoader(String name, Map<String, Object> consumerConfig, List<String> topics, StartPositions start,
            Handler handler) {
        this.name = name;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.topics = List.copyOf(topics);
        this.start = start;
        this.handler = handler;
        this.thread = new Thread(this::run, "gateway-loader-" + name);
        thread.setDaemon(true);
    }

    void start() {
        waitingFor = "Kafka and the topics " + topics;
        thread.start();
    }

    boolean restored() {
        return restored;
    }

    /** Why it is not restored yet, for the readiness probe. */
    String progress() {
        if (failure != null) {
            return name + " failed: " + failure;
        }
        if (restored) {
            return name + " restored";
        }
        return "waiting for " + waitingFor + (partitionsLeft >= 0 ? " (" + partitionsLeft + " partitions to go)" : "");
    }

    /** The loader thread has failed for good (a bug, not bad data or Kafka being away). */
    Throwable failure() {
        return failure;
    }

    /** Records behind the end of the partitions after the last poll (the largest over partitions), or -1. */
    long lagRecords() {
        return lagRecords;
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kafka;
            if (closing.getCount() == 0) {
                return;
            }
            List<TopicPartition> partitions = awaitPartitions(kafka);
            if (partitions == null) {
                return;
            }
            kafka.assign(partitions);
            Map<TopicPartition, Long> targets = seekAndNoteEnds(kafka, partitions);
            if (targets == null) {
                return;
            }
            waitingFor = "the records up to the end offsets seen at start of " + topics;
            LOG.atInfo().addKeyValue("loader", name).addKeyValue("partitions", partitions.size())
                    .log("reading the topics");
            loop(kafka, partitions, targets);
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            if (closing.getCount() > 0) {
                failure = e;
                LOG.atError().setCause(e).addKeyValue("loader", name).log("topic loader failed; the gateway stops being live");
            }
        }
    }

    private void loop(KafkaConsumer<String, byte[]> kafka, List<TopicPartition> partitions,
            Map<TopicPartition, Long> targets) {
        long restoreStartNanos = System.nanoTime();
        long records = 0;
        if (caughtUp(kafka, targets)) { // nothing to restore (empty topics)
            finishRestore(records, restoreStartNanos);
        }
        while (closing.getCount() > 0) {
            ConsumerRecords<String, byte[]> batch;
            try {
                batch = kafka.poll(restored ? POLL : RESTORE_POLL);
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                LOG.atWarn().addKeyValue("loader", name).addKeyValue("reason", e.toString()).log("poll failed; retrying");
                continue;
            }
            boolean restoring = !restored;
            for (ConsumerRecord<String, byte[]> record : batch) {
                handler.record(record, restoring);
            }
            records += batch.count();
            if (restoring && caughtUp(kafka, targets)) {
                finishRestore(records, restoreStartNanos);
            }
            lagRecords = lag(kafka, partitions);
        }
    }

    private void finishRestore(long records, long restoreStartNanos) {
        handler.restored();
        restored = true;
        LOG.atInfo().addKeyValue("loader", name).addKeyValue("records", records)
                .addKeyValue("millis", (System.nanoTime() - restoreStartNanos) / 1_000_000)
                .log("restored up to the end offsets seen at start");
    }

    private boolean caughtUp(KafkaConsumer<String, byte[]> kafka, Map<TopicPartition, Long> targets) {
        try {
            targets.entrySet().removeIf(target -> kafka.position(target.getKey(), METADATA_TIMEOUT) >= target.getValue());
        } catch (KafkaException e) {
            if (e instanceof WakeupException) {
                throw e;
            }
            LOG.atDebug().addKeyValue("loader", name).addKeyValue("reason", e.toString()).log("position not known yet");
        }
        partitionsLeft = targets.size();
        return targets.isEmpty();
    }

    private static long lag(KafkaConsumer<String, byte[]> kafka, List<TopicPartition> partitions) {
        long max = -1;
        for (TopicPartition partition : partitions) {
            OptionalLong lag = kafka.currentLag(partition);
            if (lag.isPresent()) {
                max = Math.max(max, lag.getAsLong());
            }
        }
        return max;
    }

    /** Every partition of every topic, once Kafka answers and all topics exist; null when closed first. */
    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> kafka) {
        boolean logged = false;
        while (closing.getCount() > 0) {
            String problem;
            try {
                List<TopicPartition> partitions = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                for (String topic : topics) {
                    List<PartitionInfo> infos = kafka.partitionsFor(topic, METADATA_TIMEOUT);
                    if (infos == null || infos.isEmpty()) {
                        missing.add(topic);
                    } else {
                        infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                    }
                }
                if (missing.isEmpty()) {
                    return partitions;
                }
                problem = "topics " + missing + " do not exist yet";
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            waitingFor = "Kafka and the topics " + topics + " (" + problem + ")";
            if (!logged) {
                LOG.atWarn().addKeyValue("loader", name).addKeyValue("reason", problem)
                        .log("waiting for Kafka and the source topics");
                logged = true;
            }
            if (awaitClosing(Duration.ofSeconds(2))) {
                return null;
            }
        }
        return null;
    }

    /** Seeks every partition to its start and returns the end offsets seen now; null when closed first. */
    private Map<TopicPartition, Long> seekAndNoteEnds(KafkaConsumer<String, byte[]> kafka,
            List<TopicPartition> partitions) {
        while (closing.getCount() > 0) {
            try {
                Map<TopicPartition, Long> chosen = start.choose(kafka, partitions);
                List<TopicPartition> fromBeginning = new ArrayList<>();
                for (TopicPartition partition : partitions) {
                    Long offset = chosen.get(partition);
                    if (offset == null) {
                        fromBeginning.add(partition);
                    } else {
                        kafka.seek(partition, offset);
                    }
                }
                if (!fromBeginning.isEmpty()) { // an empty collection would mean every assigned partition
                    kafka.seekToBeginning(fromBeginning);
                }
                return new HashMap<>(kafka.endOffsets(partitions, METADATA_TIMEOUT));
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                waitingFor = "the end offsets of " + topics + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")";
                if (awaitClosing(Duration.ofSeconds(2))) {
                    return null;
                }
            }
        }
        return null;
    }

    private boolean awaitClosing(Duration duration) {
        try {
            return closing.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Offsets of the first records at or after {@code sinceMillis}; partitions with none start at their end. */
    static StartPositions since(LongSupplier sinceMillis) {
        return (consumer, partitions) -> {
            long since = sinceMillis.getAsLong();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(partition -> query.put(partition, since));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            consumer.offsetsForTimes(query, METADATA_TIMEOUT).forEach((partition, found) ->
                    offsets.put(partition, found != null ? found.offset() : ends.get(partition)));
            return offsets;
        };
    }

    @Override
    public void close() {
        closing.countDown();
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
