package dev.metricsstream.aggregator;

import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the aggregator reads and writes when they are missing, with their intended cleanup policy and
 * retention, and checks the cleanup policy of those that exist (a compacted view on a deleting topic silently loses
 * pods; a deleting input on a compacted one grows forever). Problems are returned, not thrown: the caller reports
 * them on {@code /readyz} and in the log.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final long TIMEOUT_SECONDS = 60;

    private TopicSetup() {
    }

    static List<String> ensure(Admin admin, Topics topics, int partitions, short replicationFactor, boolean create)
            throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> problems = new ArrayList<>();
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> topic : topics.all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic.newTopic(partitions, replicationFactor));
                }
            }
            if (!missing.isEmpty() && create) {
                createAll(admin, missing);
            } else if (!missing.isEmpty()) {
                missing.forEach(t -> problems.add("topic " + t.name() + " is missing (CREATE_TOPICS=false)"));
            }
            problems.addAll(checkPolicies(admin, topics.all()));
            problems.forEach(problem -> LOG.atError().addKeyValue("reason", "topic_config").log(problem));
            return problems;
        } catch (ExecutionException | TimeoutException e) {
            return List.of("could not check topics: " + e.getMessage());
        }
    }

    private static void createAll(Admin admin, List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> created
                : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.atInfo().addKeyValue("topic", created.getKey()).log("created topic {}", created.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating it at the same moment is fine
                }
            }
        }
    }

    private static List<String> checkPolicies(Admin admin, Collection<Topic<?, ?>> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<ConfigResource, Topic<?, ?>> resources = new HashMap<>();
        for (Topic<?, ?> topic : topics) {
            resources.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic);
        }
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources.keySet()).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<ConfigResource, Config> entry : configs.entrySet()) {
            Topic<?, ?> topic = resources.get(entry.getKey());
            String wanted = topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            ConfigEntry actual = entry.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (wanted != null && (actual == null || !wanted.equals(actual.value()))) {
                problems.add("topic " + topic.name() + " has cleanup.policy="
                        + (actual == null ? "?" : actual.value()) + ", expected " + wanted);
            }
        }
        return problems;
    }
}
