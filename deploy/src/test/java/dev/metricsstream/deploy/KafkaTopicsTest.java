package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.metricsstream.schemas.Topic;
import dev.metricsstream.schemas.Topics;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Strimzi example declares exactly the topics of schemas' {@link Topics}, with the same settings. */
class KafkaTopicsTest {

    @Test
    @SuppressWarnings("unchecked")
    void strimzi_kafka_topics_match_the_topic_declarations_in_the_code() {
        Map<String, Map<String, String>> declared = new TreeMap<>();
        for (Object doc : new Yaml().loadAll(Repo.read("k8s/examples/strimzi/kafkatopics.yaml"))) {
            if (doc == null) {
                continue;
            }
            Map<String, Object> topic = (Map<String, Object>) doc;
            assertEquals("KafkaTopic", topic.get("kind"));
            Map<String, Object> spec = (Map<String, Object>) topic.get("spec");
            Map<String, String> config = new TreeMap<>();
            ((Map<String, Object>) spec.get("config")).forEach((k, v) -> config.put(k, String.valueOf(v)));
            declared.put((String) ((Map<String, Object>) topic.get("metadata")).get("name"), config);
        }
        Map<String, Map<String, String>> code = new TreeMap<>();
        for (Topic<?, ?> topic : Topics.defaults().all()) {
            code.put(topic.name(), new TreeMap<>(topic.configs()));
        }
        assertEquals(code, declared);
    }
}
