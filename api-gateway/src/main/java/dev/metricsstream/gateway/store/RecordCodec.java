package dev.metricsstream.gateway.store;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.EntityKind;
import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro single-object encoding of the aggregator's output records (magic, schema fingerprint, body), as the
 * aggregator writes them. Kept in one place so the gateway switches to the schemas module's serdes in one edit.
 */
public final class RecordCodec {
    static {
        // Avro 1.12 refuses to decode into classes it was not told to trust (FIELD-NOTES). The schemas module is to
        // do this once per JVM; until its serdes are on main the gateway trusts its own three records here.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder().add(NodeMetrics.class).add(PodMetrics.class)
                        .add(ContainerMetrics.class).add(MetricsWindow.class).add(EntityKind.class).build()));
    }

    private RecordCodec() {
    }

    public static NodeMetrics node(byte[] bytes) throws IOException {
        return NodeMetrics.getDecoder().decode(bytes);
    }

    public static PodMetrics pod(byte[] bytes) throws IOException {
        return PodMetrics.getDecoder().decode(bytes);
    }

    public static MetricsWindow window(byte[] bytes) throws IOException {
        return MetricsWindow.getDecoder().decode(bytes);
    }

    public static byte[] encode(NodeMetrics node) {
        return bytes(() -> NodeMetrics.getEncoder().encode(node));
    }

    public static byte[] encode(PodMetrics pod) {
        return bytes(() -> PodMetrics.getEncoder().encode(pod));
    }

    public static byte[] encode(MetricsWindow window) {
        return bytes(() -> MetricsWindow.getEncoder().encode(window));
    }

    private interface Encoding {
        ByteBuffer encode() throws IOException;
    }

    private static byte[] bytes(Encoding encoding) {
        try {
            ByteBuffer buffer = encoding.encode();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
