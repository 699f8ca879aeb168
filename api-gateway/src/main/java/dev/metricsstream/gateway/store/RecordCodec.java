package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.schemas.AvroSerde;

/**
 * The aggregator's output records in and out of bytes, through the schemas module's serdes (single-object
 * encoding; records written with an older schema still decode). Bad payloads throw
 * {@link dev.metricsstream.schemas.RecordDecodingException} with a reason.
 */
public final class RecordCodec {
    private static final AvroSerde<NodeMetrics> NODES = AvroSerde.of(NodeMetrics.class);
    private static final AvroSerde<PodMetrics> PODS = AvroSerde.of(PodMetrics.class);
    private static final AvroSerde<MetricsWindow> WINDOWS = AvroSerde.of(MetricsWindow.class);

    private RecordCodec() {
    }

    public static NodeMetrics node(String topic, byte[] bytes) {
        return NODES.deserialize(topic, bytes);
    }

    public static PodMetrics pod(String topic, byte[] bytes) {
        return PODS.deserialize(topic, bytes);
    }

    public static MetricsWindow window(String topic, byte[] bytes) {
        return WINDOWS.deserialize(topic, bytes);
    }

    public static byte[] encode(NodeMetrics node) {
        return NODES.serialize("node-metrics", node);
    }

    public static byte[] encode(PodMetrics pod) {
        return PODS.serialize("pod-metrics", pod);
    }

    public static byte[] encode(MetricsWindow window) {
        return WINDOWS.serialize("metrics-windows", window);
    }
}
