package dev.metricsstream.collector.publish;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.scrape.ScrapeSink;
import java.time.InstantSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes NodeScrapes to Kafka without ever blocking the scrape loop. Each node's scrapes wait in a bounded queue
 * (default 20 ≈ 5 min at 15 s) until Kafka acknowledges them; when a queue is full the oldest scrape is dropped and
 * counted. A sender thread keeps at most one record per node in flight, so a node's records reach the topic in
 * scrape order, each once (the idempotent producer removes retry duplicates), while different nodes go in parallel.
 */
public final class BufferedPublisher implements ScrapeSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedPublisher.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Producer<String, NodeScrape> producer;
    private final String topic;
    private final int capacityPerNode;
    private final CollectorMetrics metrics;
    private final InstantSource clock;
    private final Duration ackWait;
    private final Object lock = new Object();
    private final Map<String, Deque<NodeScrape>> queues = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final AtomicLong lastAckMillis = new AtomicLong(-1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failedSends = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;

    /**
     * @param ackWait how long to wait for one acknowledgement (a little more than the producer's
     *     {@code delivery.timeout.ms}, which bounds it anyway)
     */
    public BufferedPublisher(Producer<String, NodeScrape> producer, String topic, int capacityPerNode,
            CollectorMetrics metrics, InstantSource clock, Duration ackWait) {
        if (capacityPerNode < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.producer = producer;
        this.topic = topic;
        this.capacityPerNode = capacityPerNode;
        this.metrics = metrics;
        this.clock = clock;
        this.ackWait = ackWait;
        this.sender = new Thread(this::run, "kafka-publisher");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void publish(NodeScrape scrape) {
        String node = scrape.getNodeName();
        synchronized (lock) {
            Deque<NodeScrape> queue = queues.computeIfAbsent(node, k -> new ArrayDeque<>());
            if (queue.size() + (inFlight.contains(node) ? 1 : 0) >= capacityPerNode && !queue.isEmpty()) {
                NodeScrape oldest = queue.pollFirst();
                drop(oldest, "buffer_full");
            }
            queue.addLast(scrape);
            lock.notifyAll();
            metrics.recordsBuffered(bufferedLocked());
        }
    }

    private void drop(NodeScrape scrape, String reason) {
        dropped.incrementAndGet();
        metrics.recordDropped();
        LOG.atWarn().addKeyValue("node", scrape.getNodeName()).addKeyValue("reason", reason)
                .log("dropped the scrape of {} taken at {} (Kafka unavailable, buffer of {} full)",
                        scrape.getNodeName(), scrape.getScrapeTimeMillis(), capacityPerNode);
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        while (!closed) {
            List<NodeScrape> batch = takeBatch();
            if (batch == null) {
                return;
            }
            boolean failed = sendAndAwait(batch);
            if (failed) {
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            } else {
                backoff = MIN_BACKOFF;
            }
        }
    }

    /** The oldest waiting scrape of every node with nothing in flight; blocks until there is one or we close. */
    private List<NodeScrape> takeBatch() {
        synchronized (lock) {
            while (!closed) {
                List<NodeScrape> batch = new ArrayList<>();
                for (Map.Entry<String, Deque<NodeScrape>> entry : queues.entrySet()) {
                    if (!entry.getValue().isEmpty() && !inFlight.contains(entry.getKey())) {
                        batch.add(entry.getValue().pollFirst());
                        inFlight.add(entry.getKey());
                    }
                }
                if (!batch.isEmpty()) {
                    return batch;
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return null;
                }
            }
            return null;
        }
    }

    /** Sends one record per node and waits for each answer; returns true when any failed (and was re-queued). */
    private boolean sendAndAwait(List<NodeScrape> batch) {
        List<Future<?>> futures = new ArrayList<>(batch.size());
        for (NodeScrape scrape : batch) {
            try {
                futures.add(producer.send(new ProducerRecord<>(topic, scrape.getNodeName(), scrape)));
            } catch (RuntimeException e) {
                futures.add(java.util.concurrent.CompletableFuture.failedFuture(e));
            }
        }
        boolean anyFailed = false;
        for (int i = 0; i < batch.size(); i++) {
            NodeScrape scrape = batch.get(i);
            try {
                futures.get(i).get(ackWait.toMillis(), TimeUnit.MILLISECONDS);
                acknowledged(scrape);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requeue(scrape, "interrupted");
                anyFailed = true;
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                failedSends.incrementAndGet();
                requeue(scrape, cause.getClass().getSimpleName());
                anyFailed = true;
                LOG.atWarn().addKeyValue("node", scrape.getNodeName()).addKeyValue("reason", "kafka_unavailable")
                        .log("send to {} failed, keeping the scrape buffered: {}", topic, cause.toString());
            }
        }
        return anyFailed;
    }

    private void acknowledged(NodeScrape scrape) {
        synchronized (lock) {
            inFlight.remove(scrape.getNodeName());
            metrics.recordsBuffered(bufferedLocked());
            lock.notifyAll();
        }
        sent.incrementAndGet();
        metrics.recordSent();
        lastAckMillis.set(clock.millis());
    }

    private void requeue(NodeScrape scrape, String reason) {
        synchronized (lock) {
            inFlight.remove(scrape.getNodeName());
            Deque<NodeScrape> queue = queues.computeIfAbsent(scrape.getNodeName(), k -> new ArrayDeque<>());
            if (queue.size() >= capacityPerNode) {
                drop(scrape, "buffer_full"); // it is the oldest of its node
            } else {
                queue.addFirst(scrape);
            }
            metrics.recordsBuffered(bufferedLocked());
            lock.notifyAll();
        }
    }

    private void pause(Duration backoff) {
        synchronized (lock) {
            try {
                lock.wait(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int bufferedLocked() {
        int total = inFlight.size();
        for (Deque<NodeScrape> queue : queues.values()) {
            total += queue.size();
        }
        return total;
    }

    /** Scrapes waiting or in flight. */
    public int buffered() {
        synchronized (lock) {
            return bufferedLocked();
        }
    }

    public long sentCount() {
        return sent.get();
    }

    /** Sends that failed (delivery timeout, no broker) and were put back at the head of their node's queue. */
    public long failedSendCount() {
        return failedSends.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    /** Wall-clock millis of the last acknowledged record, -1 before the first (for /readyz). */
    public long lastAckMillis() {
        return lastAckMillis.get();
    }

    /** Waits up to {@code timeout} for the buffer to drain, then stops the sender and closes the producer. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (bufferedLocked() > 0 && System.nanoTime() < deadline) {
                try {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            closed = true;
            lock.notifyAll();
        }
        int left = buffered();
        if (left > 0) {
            LOG.atWarn().addKeyValue("reason", "shutdown_timeout")
                    .log("closing with {} scrapes not acknowledged by Kafka", left);
        }
        sender.interrupt();
        long remainingMillis = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
        producer.close(Duration.ofMillis(remainingMillis));
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
