package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.ops.CollectorMetrics;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import java.time.InstantSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes a set of kubelets once per resolution. The DaemonSet is the case of one target; pool mode passes many.
 * Each target is scraped on a bounded worker pool, so one slow kubelet holds one worker (at most the request
 * timeout) and never delays the others; a target whose previous scrape is still running is skipped and counted.
 */
public final class ScrapeLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScrapeLoop.class);

    private final Supplier<List<ScrapeTarget>> targets;
    private final NodeScraper scraper;
    private final ScrapeSink sink;
    private final CollectorMetrics metrics;
    private final InstantSource clock;
    private final Duration resolution;
    private final ExecutorService workers;
    private final ScheduledExecutorService ticker;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastTickMillis = new AtomicLong(-1);
    private final AtomicLong lastSuccessMillis = new AtomicLong(-1);

    public ScrapeLoop(Supplier<List<ScrapeTarget>> targets, NodeScraper scraper, ScrapeSink sink,
            CollectorMetrics metrics, InstantSource clock, Duration resolution, int maxConcurrency) {
        this.targets = targets;
        this.scraper = scraper;
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
        this.resolution = resolution;
        this.workers = Executors.newFixedThreadPool(maxConcurrency, daemonThreads("scrape-worker"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemonThreads("scrape-ticker"));
    }

    /**
     * Scrapes at once (the first data point should not wait), then ticks every resolution from
     * {@code startOffset + resolution} on (a random offset keeps a fleet that started together from scraping in
     * lock-step).
     */
    public void start(Duration startOffset) {
        ticker.execute(this::tick);
        ticker.scheduleAtFixedRate(this::tick, startOffset.plus(resolution).toMillis(), resolution.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A random start offset within the first resolution (at most 5 s), as the DaemonSet uses. */
    public static Duration randomStartOffset(Duration resolution) {
        long bound = Math.max(1, Math.min(resolution.toMillis(), 5_000));
        return Duration.ofMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
    }

    /** Starts one scrape of every target not still busy; returns at once. */
    public void tick() {
        try {
            lastTickMillis.set(clock.millis());
            submitAll();
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("reason", "tick_failed").setCause(e).log("scrape tick failed");
        }
    }

    /** One full cycle, waiting until every target's scrape has finished (tests, benchmarks, the standalone run). */
    public int scrapeOnce() throws InterruptedException {
        lastTickMillis.set(clock.millis());
        List<Future<?>> futures = submitAll();
        int done = 0;
        for (Future<?> future : futures) {
            try {
                future.get();
                done++;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.atError().addKeyValue("reason", "unexpected_error").setCause(e.getCause()).log("scrape failed");
            }
        }
        return done;
    }

    private List<Future<?>> submitAll() {
        List<Future<?>> futures = new ArrayList<>();
        List<ScrapeTarget> current = targets.get();
        metrics.targetsAre(current.stream().map(ScrapeTarget::nodeName).toList());
        long cycleStartNanos = System.nanoTime();
        AtomicInteger remaining = new AtomicInteger(current.size() + 1); // +1: released after submitting
        Runnable finishOne = () -> {
            if (remaining.decrementAndGet() == 0) {
                metrics.cycleFinished(seconds(cycleStartNanos), current.size());
            }
        };
        for (ScrapeTarget target : current) {
            if (!inFlight.add(target.nodeName())) {
                metrics.scrapeSkipped("previous_scrape_running");
                LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("reason", "previous_scrape_running")
                        .log("previous scrape still running, skipping this interval");
                finishOne.run();
                continue;
            }
            futures.add(workers.submit(() -> {
                try {
                    scrapeTarget(target);
                } finally {
                    inFlight.remove(target.nodeName());
                    finishOne.run();
                }
            }));
        }
        finishOne.run();
        return futures;
    }

    private void scrapeTarget(ScrapeTarget target) {
        long startNanos = System.nanoTime();
        long requestTimeMillis = clock.millis();
        try {
            NodeScrape scrape = scraper.scrape(target, requestTimeMillis);
            scrape.setScrapeResolutionMillis(resolution.toMillis()); // downstream bounds follow the data
            sink.publish(scrape);
            long now = clock.millis();
            lastSuccessMillis.set(now);
            metrics.scrapeSucceeded(target.nodeName(), seconds(startNanos), now);
        } catch (ScrapeException e) {
            metrics.scrapeFailed(seconds(startNanos), scraper.primarySourceName(), e.reason());
            LOG.atWarn().addKeyValue("node", target.nodeName()).addKeyValue("source", scraper.primarySourceName())
                    .addKeyValue("reason", e.reason()).log("scrape failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            metrics.scrapeFailed(seconds(startNanos), scraper.primarySourceName(), "unexpected_error");
            LOG.atError().addKeyValue("node", target.nodeName()).addKeyValue("reason", "unexpected_error")
                    .setCause(e).log("scrape failed unexpectedly");
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Wall-clock millis of the last tick, -1 before the first (for /livez). */
    public long lastTickMillis() {
        return lastTickMillis.get();
    }

    /** Wall-clock millis of the last scrape handed to the sink, -1 before the first. */
    public long lastSuccessMillis() {
        return lastSuccessMillis.get();
    }

    public Duration resolution() {
        return resolution;
    }

    /** Stops ticking and lets in-flight scrapes finish within {@code grace}. */
    public void close(Duration grace) {
        ticker.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
