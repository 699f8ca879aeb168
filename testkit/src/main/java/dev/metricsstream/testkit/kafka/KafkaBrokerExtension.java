package dev.metricsstream.testkit.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Gives tests a real Kafka broker: {@code @ExtendWith(KafkaBrokerExtension.class)} and a {@link KafkaBroker}
 * parameter (constructor, lifecycle or test method). One broker serves the whole test run of a module: it starts
 * on first use, is kept in the root extension store and closed when the run ends.
 *
 * <p>Which broker: Testcontainers' {@code apache/kafka} when a Docker engine is reachable, otherwise an in-process
 * KRaft broker. The system property {@value #KIND_PROPERTY} or the environment variable
 * {@code METRICSSTREAM_TEST_KAFKA} ({@code auto}, {@code in-process}, {@code container}) overrides the choice.
 * One INFO line says which one ran and how long it took to start.
 *
 * <p>A test that stopped the broker and failed before restarting it does not break the tests after it: the
 * broker is restarted after each test. A test class leaves no topics behind: every topic that appeared while it
 * ran (its own, and the changelog and repartition topics of the Kafka Streams applications it started) is deleted
 * after it, so a module's run does not pile up partitions on the shared broker. Test classes run one at a time.
 */
public final class KafkaBrokerExtension implements ParameterResolver, BeforeAllCallback, AfterEachCallback,
        AfterAllCallback {

    public static final String KIND_PROPERTY = "metricsstream.test.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return broker(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        AbstractKafkaBroker broker = existingBroker(context);
        // no broker yet: everything there after the class was created by it
        Set<String> before = broker == null ? Set.of() : topics(broker);
        context.getStore(NAMESPACE).put(TopicsBefore.class, new TopicsBefore(before));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TopicsBefore before = context.getStore(NAMESPACE).remove(TopicsBefore.class, TopicsBefore.class);
        AbstractKafkaBroker broker = existingBroker(context);
        if (before == null || broker == null || !broker.isRunning()) {
            return;
        }
        Set<String> created = new HashSet<>(topics(broker));
        created.removeAll(before.names());
        if (created.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.deleteTopics(created).all().get(30, TimeUnit.SECONDS);
            LOG.atDebug().log("deleted the {} topics {} created", created.size(), context.getDisplayName());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.atWarn().log("could not delete the {} topics {} created: {}", created.size(),
                    context.getDisplayName(), e.toString());
        }
    }

    /** Topic names (internal ones excluded) that existed when a test class started. */
    private record TopicsBefore(Set<String> names) {
    }

    private static Set<String> topics(AbstractKafkaBroker broker) {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            return admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot list the test broker's topics: " + e, e);
        }
    }

    private static AbstractKafkaBroker existingBroker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).get(KafkaBroker.class, AbstractKafkaBroker.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        AbstractKafkaBroker broker = context.getRoot().getStore(NAMESPACE).get(KafkaBroker.class,
                AbstractKafkaBroker.class);
        if (broker != null && broker.supportsRestart() && !broker.isRunning()) {
            broker.restart();
        }
    }

    /** The run's broker, started on first call. */
    public static KafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(KafkaBroker.class, key -> startBroker(kind()), AbstractKafkaBroker.class);
    }

    static AbstractKafkaBroker startBroker(String kind) {
        long startNanos = System.nanoTime();
        AbstractKafkaBroker broker = switch (kind) {
            case "in-process" -> InProcessKafkaBroker.start();
            case "container" -> ContainerKafkaBroker.start();
            case "auto" -> dockerAvailable() ? ContainerKafkaBroker.start() : InProcessKafkaBroker.start();
            default -> throw new IllegalArgumentException(KIND_PROPERTY + " must be auto, in-process or container, got '"
                    + kind + "'");
        };
        long startMillis = (System.nanoTime() - startNanos) / 1_000_000;
        LOG.atInfo().addKeyValue("startMillis", startMillis)
                .log("Kafka for tests: {} (started in {} ms)", broker.description(), startMillis);
        return broker;
    }

    /**
     * Asks Testcontainers only when a Docker engine could be there at all: its probe logs an ERROR block when
     * none is, which would be noise on every machine without Docker.
     */
    static boolean dockerAvailable() {
        boolean hint = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        return hint && DockerClientFactory.instance().isDockerAvailable();
    }

    private static String kind() {
        String value = System.getProperty(KIND_PROPERTY);
        if (value == null) {
            value = System.getenv(KIND_PROPERTY.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }
}
