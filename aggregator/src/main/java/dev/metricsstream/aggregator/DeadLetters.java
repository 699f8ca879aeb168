package dev.metricsstream.aggregator;

import dev.metricsstream.schemas.DeadLetterHeaders;
import dev.metricsstream.schemas.RecordDecodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams 4.x error handlers that set a bad record aside on the dead-letter topic and carry on (KIP-1034: the
 * handler returns the dead-letter records and Kafka Streams produces them with its own producer, inside the
 * transaction under exactly-once). The record keeps its key and value bytes as read; the headers say why and where
 * from: Kafka Streams' own {@code __streams.errors.*} names plus {@code dlq.*} names for our consumers.
 */
public final class DeadLetters {

    /** Config key under which the {@link AggregatorMetrics} instance is handed to the handlers. */
    public static final String METRICS_CONFIG = "metrics.stream.aggregator.metrics";

    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** deserialization or processing: which handler set the record aside (ours, beside the schemas' names). */
    public static final String HEADER_STAGE = "dlq.error.stage";
    public static final String HEADER_REASON = DeadLetterHeaders.REASON;
    public static final String HEADER_DLQ_MESSAGE = DeadLetterHeaders.MESSAGE;
    public static final String HEADER_SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String HEADER_SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String HEADER_SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** A record that could not be decoded. */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private Target target;

        @Override
        public void configure(Map<String, ?> configs) {
            target = Target.of(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                    Exception exception) {
            return Response.resume(target.send("deserialization", context, record.key(), record.value(), exception));
        }
    }

    /** A record that decoded but made a processor throw. */
    public static final class Processing implements ProcessingExceptionHandler {
        private Target target;

        @Override
        public void configure(Map<String, ?> configs) {
            target = Target.of(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            return Response.resume(target.send("processing", context, context.sourceRawKey(),
                    context.sourceRawValue(), exception));
        }
    }

    private record Target(String topic, AggregatorMetrics metrics) {

        static Target of(Map<String, ?> configs) {
            Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            if (topic == null) {
                throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                        + " must name the dead-letter topic");
            }
            Object metrics = configs.get(METRICS_CONFIG);
            return new Target(topic.toString(),
                    metrics instanceof AggregatorMetrics m ? m : AggregatorMetrics.unregistered());
        }

        List<ProducerRecord<byte[], byte[]>> send(String stage, ErrorHandlerContext context, byte[] key,
                                                  byte[] value, Exception exception) {
            Throwable cause = meaningfulCause(exception);
            String reason = cause instanceof InvalidScrapeException invalid ? invalid.reason()
                    : cause instanceof RecordDecodingException decoding ? decoding.reason().label()
                    : cause.getClass().getSimpleName();
            metrics.deadLetter(stage);
            LOG.atWarn().addKeyValue("source", context.topic() + "-" + context.partition() + "@" + context.offset())
                    .addKeyValue("reason", reason).addKeyValue("stage", stage)
                    .log("record set aside on the dead-letter topic: {}", cause.getMessage());
            Headers headers = new RecordHeaders();
            add(headers, HEADER_EXCEPTION, cause.getClass().getName());
            add(headers, HEADER_MESSAGE, String.valueOf(cause.getMessage()));
            add(headers, HEADER_TOPIC, context.topic());
            add(headers, HEADER_PARTITION, Integer.toString(context.partition()));
            add(headers, HEADER_OFFSET, Long.toString(context.offset()));
            add(headers, HEADER_STAGE, stage);
            add(headers, HEADER_REASON, reason);
            add(headers, HEADER_DLQ_MESSAGE, String.valueOf(cause.getMessage()));
            add(headers, HEADER_SOURCE_TOPIC, context.topic());
            add(headers, HEADER_SOURCE_PARTITION, Integer.toString(context.partition()));
            add(headers, HEADER_SOURCE_OFFSET, Long.toString(context.offset()));
            return List.of(new ProducerRecord<>(topic, null, key, value, headers));
        }

        private static void add(Headers headers, String name, String value) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Our own exceptions wherever they sit in the chain (Kafka Streams wraps them), else the outermost one. */
        private static Throwable meaningfulCause(Throwable exception) {
            for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null
                    : cause.getCause()) {
                if (cause instanceof InvalidScrapeException || cause instanceof RecordDecodingException) {
                    return cause;
                }
            }
            return exception;
        }
    }
}
