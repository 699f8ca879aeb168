package dev.metricsstream.aggregator;

import dev.metricsstream.common.health.HealthCheck;
import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the aggregator reads and writes when they are missing, with their intended cleanup policy and
 * retention, and checks the cleanup policy of those that exist (a compacted view on a deleting topic silently loses
 * pods; a deleting input on a compacted one grows forever). Problems are not thrown: they are logged and reported by
 * the {@code topics} readiness check.
 *
 * <p>A broker answers for a topic it has just created only once its metadata has caught up: on KRaft a {@code
 * describeConfigs} right after {@code createTopics} typically fails with {@code UnknownTopicOrPartitionException}.
 * Such retriable errors are retried until {@code firstCheckDeadline}; whatever is still wrong after that (a missing
 * topic with {@code CREATE_TOPICS=false}, a wrong cleanup policy, an unreachable broker) is checked again every
 * {@code recheckInterval} until it is right, so readiness follows the topics instead of the first look at them.
 */
final class TopicSetup implements TopicAdministration.Started {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration FIRST_CHECK_DEADLINE = Duration.ofSeconds(30);
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);
    private static final long RETRY_BACKOFF_MILLIS = 200;

    private final Admin admin;
    private final Topics topics;
    private final int partitions;
    private final short replicationFactor;
    private final boolean create;
    private final AtomicReference<List<String>> problems = new AtomicReference<>(List.of("topics not checked yet"));
    private final ScheduledExecutorService rechecks;

    private TopicSetup(Admin admin, Topics topics, int partitions, short replicationFactor, boolean create) {
        this.admin = admin;
        this.topics = topics;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.create = create;
        this.rechecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "topic-recheck");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Ensures the topics now (retrying what the broker cannot answer yet, until {@code firstCheckDeadline}) and, if
     * they are not right by then, keeps checking in the background every {@code recheckInterval} until they are.
     * Takes ownership of {@code admin}.
     */
    static TopicSetup start(Admin admin, Topics topics, int partitions, short replicationFactor, boolean create,
                            Duration firstCheckDeadline, Duration recheckInterval) throws InterruptedException {
        TopicSetup setup = new TopicSetup(admin, topics, partitions, replicationFactor, create);
        setup.check(firstCheckDeadline);
        if (!setup.problems().isEmpty()) {
            LOG.atWarn().addKeyValue("reason", "topic_config")
                    .log("not ready until the topics are right; checking them again every {}", recheckInterval);
            setup.scheduleRechecks(recheckInterval);
        }
        return setup;
    }

    /** What is wrong with the topics as last checked; empty when they are as expected. */
    List<String> problems() {
        return problems.get();
    }

    /** The {@code topics} readiness check: passes once the topics are as expected. */
    @Override
    public HealthCheck readiness() {
        return HealthCheck.of("topics", () -> {
            List<String> current = problems.get();
            return current.isEmpty() ? HealthCheck.Result.passed()
                    : HealthCheck.Result.failed(String.join("; ", current));
        });
    }

    private void scheduleRechecks(Duration interval) {
        rechecks.scheduleWithFixedDelay(() -> {
            try {
                if (check(Duration.ZERO).isEmpty()) {
                    rechecks.shutdown(); // right now, and nothing of ours changes them afterwards
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.atError().addKeyValue("reason", "topic_check_failed").setCause(e).log("topic check failed");
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One full check (create what is missing, then the policies); records and logs the result when it changed. */
    private List<String> check(Duration retryDeadline) throws InterruptedException {
        List<String> found = ensure(System.nanoTime() + retryDeadline.toNanos());
        List<String> before = problems.getAndSet(List.copyOf(found));
        if (!found.equals(before)) {
            if (found.isEmpty()) {
                LOG.atInfo().addKeyValue("topics", topics.all().size())
                        .log("all {} topics exist with the expected cleanup policy", topics.all().size());
            } else {
                found.forEach(problem -> LOG.atError().addKeyValue("reason", "topic_config").log(problem));
            }
        }
        return found;
    }

    private List<String> ensure(long deadlineNanos) throws InterruptedException {
        while (true) {
            try {
                return ensureOnce();
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean retriable = cause instanceof RetriableException || cause instanceof TimeoutException;
                if (!retriable || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_BACKOFF_MILLIS)
                        > deadlineNanos) {
                    return List.of("could not check topics: " + cause);
                }
                LOG.atDebug().addKeyValue("reason", cause.getClass().getSimpleName())
                        .log("broker cannot answer for the topics yet; retrying");
                TimeUnit.MILLISECONDS.sleep(RETRY_BACKOFF_MILLIS);
            }
        }
    }

    private List<String> ensureOnce() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<String> found = new ArrayList<>();
        List<NewTopic> missing = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            if (!existing.contains(topic.name())) {
                missing.add(topic.newTopic(partitions, replicationFactor));
            }
        }
        if (!missing.isEmpty() && create) {
            createAll(missing);
        } else if (!missing.isEmpty()) {
            missing.forEach(t -> found.add("topic " + t.name() + " is missing (CREATE_TOPICS=false)"));
        }
        List<Topic<?, ?>> present = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            if (create || existing.contains(topic.name())) {
                present.add(topic);
            }
        }
        found.addAll(checkPolicies(present));
        return found;
    }

    private void createAll(List<NewTopic> missing) throws InterruptedException, ExecutionException, TimeoutException {
        for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> created
                : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                LOG.atInfo().addKeyValue("topic", created.getKey()).log("created topic {}", created.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating it at the same moment is fine
                }
            }
        }
    }

    private List<String> checkPolicies(Collection<Topic<?, ?>> present)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<ConfigResource, Topic<?, ?>> resources = new HashMap<>();
        for (Topic<?, ?> topic : present) {
            resources.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic);
        }
        if (resources.isEmpty()) {
            return List.of();
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources.keySet()).all()
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        List<String> found = new ArrayList<>();
        for (Topic<?, ?> topic : present) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            String wanted = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            ConfigEntry actual = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (wanted != null && (actual == null || !wanted.equals(actual.value()))) {
                found.add("topic " + topic.name() + " has cleanup.policy="
                        + (actual == null ? "?" : actual.value()) + ", expected " + wanted);
            }
        }
        return found;
    }

    /** Stops the background checks and closes the admin client. */
    @Override
    public void close() {
        rechecks.shutdownNow();
        try {
            rechecks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
