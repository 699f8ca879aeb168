package dev.metricsstream.bench.fleet;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.schemas.AvroSerde;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces every node's scrape once per resolution, node {@code i} at offset {@code i × resolution / nodes} within
 * each interval (as a DaemonSet's collectors started at random times would), with the collector's producer settings.
 * Remembers the sample times of the probed nodes for the freshness prober.
 */
public final class FleetGenerator implements AutoCloseable {
    private final SimulatedFleet fleet;
    private final KafkaProducer<String, NodeScrape> producer;
    private final String topic;
    private final long resolutionMillis;
    private final Map<String, ConcurrentLinkedDeque<Long>> probedSamples = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong podSamplesAcked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong maxBehindMillis = new AtomicLong();
    private volatile long currentBehindMillis;
    private volatile boolean running = true;
    private final Thread thread;

    public FleetGenerator(SimulatedFleet fleet, String bootstrap, String topic, Duration resolution,
            Iterable<String> probedNodes) {
        this.fleet = fleet;
        this.topic = topic;
        this.resolutionMillis = resolution.toMillis();
        for (String node : probedNodes) {
            probedSamples.put(node, new ConcurrentLinkedDeque<>());
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-fleet-generator");
        producer = new KafkaProducer<>(props, new StringSerializer(), AvroSerde.of(NodeScrape.class).serializer());
        thread = new Thread(this::run, "fleet-generator");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        int nodes = fleet.nodeCount();
        long start = System.currentTimeMillis();
        long produced = 0; // scrapes scheduled so far: scrape k is node k % nodes in interval k / nodes
        while (running) {
            long now = System.currentTimeMillis();
            while (running) {
                long interval = produced / nodes;
                int index = (int) (produced % nodes);
                long due = start + interval * resolutionMillis + index * resolutionMillis / nodes;
                if (due > now) {
                    break;
                }
                long behind = now - due;
                currentBehindMillis = behind;
                maxBehindMillis.accumulateAndGet(behind, Math::max);
                send(index, System.currentTimeMillis());
                produced++;
                now = System.currentTimeMillis();
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(int index, long nowMillis) {
        NodeScrape scrape = fleet.scrape(index, nowMillis);
        String node = scrape.getNodeName();
        int pods = scrape.getPods().size();
        ConcurrentLinkedDeque<Long> samples = probedSamples.get(node);
        if (samples != null) {
            samples.addLast(nowMillis);
            while (samples.size() > 8) {
                samples.pollFirst();
            }
        }
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, node, scrape), (metadata, error) -> {
            if (error == null) {
                acked.incrementAndGet();
                podSamplesAcked.addAndGet(pods);
            } else {
                failed.incrementAndGet();
            }
        });
    }

    /** Sample times produced for a probed node, oldest first (the last few). */
    public Iterable<Long> samplesOf(String node) {
        ConcurrentLinkedDeque<Long> samples = probedSamples.get(node);
        return samples == null ? java.util.List.of() : samples;
    }

    public long sent() {
        return sent.get();
    }

    public long acked() {
        return acked.get();
    }

    public long podSamplesAcked() {
        return podSamplesAcked.get();
    }

    public long failed() {
        return failed.get();
    }

    public long currentBehindMillis() {
        return currentBehindMillis;
    }

    public long maxBehindMillis() {
        return maxBehindMillis.get();
    }

    public double producerBytesSent() {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("outgoing-byte-total")
                        && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
