package dev.metricsstream.collector.publish;

import dev.metricsstream.avro.NodeScrape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serializer;

/** Avro single-object encoding of a NodeScrape (magic, schema fingerprint, body), as every consumer decodes it. */
public final class NodeScrapeSerializer implements Serializer<NodeScrape> {
    @Override
    public byte[] serialize(String topic, NodeScrape scrape) {
        if (scrape == null) {
            return null;
        }
        try {
            ByteBuffer buffer = NodeScrape.getEncoder().encode(scrape);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
