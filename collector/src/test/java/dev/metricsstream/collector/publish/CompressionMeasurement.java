package dev.metricsstream.collector.publish;

import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.testing.RealisticScrapes;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Not a test: run by hand to choose the producer's compression (numbers go into the report, never into assertions).
 * {@code java -cp <test classpath> dev.metricsstream.collector.publish.CompressionMeasurement}
 */
public final class CompressionMeasurement {
    private CompressionMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        var serializer = dev.metricsstream.schemas.Topics.defaults().kubeletScrapes().valueSerde().serializer();
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            NodeScrape scrape = RealisticScrapes.node("node-" + i, 110, 1_700_000_000_000L + i * 15_000L, i);
            records.add(serializer.serialize("t", scrape));
        }
        System.out.printf("raw record: %d bytes%n", records.get(0).length);
        for (String codec : List.of("lz4", "zstd", "snappy", "gzip")) {
            Compression compression = Compression.of(codec).build();
            for (int batch : new int[] {1, 20}) {
                long size = 0;
                for (int warm = 0; warm < 2000; warm++) {
                    size = compress(compression, records, batch);
                }
                int iterations = 3000;
                long start = System.nanoTime();
                for (int i = 0; i < iterations; i++) {
                    size = compress(compression, records, batch);
                }
                double micros = (System.nanoTime() - start) / 1e3 / iterations;
                long raw = 0;
                for (int i = 0; i < batch; i++) {
                    raw += records.get(i).length;
                }
                System.out.printf("%-6s batch %2d: %7d -> %7d bytes (ratio %.3f), %8.1f us per batch%n", codec,
                        batch, raw, size, (double) size / raw, micros);
            }
        }
    }

    private static long compress(Compression compression, List<byte[]> records, int batch) throws Exception {
        ByteBufferOutputStream buffer = new ByteBufferOutputStream(64 * 1024);
        try (OutputStream out = compression.wrapForOutput(buffer, (byte) 2)) {
            for (int i = 0; i < batch; i++) {
                out.write(records.get(i));
            }
        }
        return buffer.position();
    }
}
