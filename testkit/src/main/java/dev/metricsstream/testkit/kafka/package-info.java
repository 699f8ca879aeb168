/**
 * A real Kafka broker for integration tests.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class CollectorIT {
 *     private final KafkaBroker broker;
 *     private final Topics topics;
 *
 *     CollectorIT(KafkaBroker broker) {
 *         this.broker = broker;
 *         this.topics = broker.createUniqueTopics(1);   // every metrics-stream topic, unique to this test
 *     }
 *
 *     @Test
 *     void scrapes_reach_the_topic() {
 *         // ... run the collector against broker.bootstrapServers() and topics ...
 *         List<ConsumerRecord<String, NodeScrape>> read = broker.readAtLeast(topics.kubeletScrapes(), 1, TIMEOUT);
 *     }
 *
 *     @Test
 *     void outage() {
 *         assumeTrue(broker.supportsRestart(), "needs the in-process broker");
 *         broker.stop();     // clients lose the connection; data stays
 *         broker.restart();  // same address, same data
 *     }
 * }
 * }</pre>
 *
 * <p>Test logs stay readable with {@code org.apache.kafka}, {@code kafka} and {@code state.change.logger} at WARN
 * (see this module's {@code logback-test.xml}).
 */
package dev.metricsstream.testkit.kafka;
