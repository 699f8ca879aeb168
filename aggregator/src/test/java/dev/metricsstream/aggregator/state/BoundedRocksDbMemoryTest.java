package dev.metricsstream.aggregator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {

    @Test
    void the_aggregator_bounds_rocksdb_by_default_and_zero_restores_kafka_streams_defaults() {
        Properties bounded = AggregatorConfig.from(Map.of()).streamsProperties();
        assertEquals(BoundedRocksDbMemory.class, bounded.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        assertEquals((long) AggregatorConfig.DEFAULT_ROCKSDB_MEMORY_MIB << 20,
                bounded.get(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG));
        Properties unbounded = AggregatorConfig.from(Map.of("ROCKSDB_MEMORY_MIB", "0")).streamsProperties();
        assertFalse(unbounded.containsKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
        assertFalse(unbounded.containsKey(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG));
    }

    @Test
    void every_store_shares_one_cache_and_a_store_opened_with_it_reads_back_what_it_wrote(@TempDir Path dir)
            throws Exception {
        RocksDB.loadLibrary();
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 8L << 20);
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options first = new Options().setCreateIfMissing(true);
                Options second = new Options().setCreateIfMissing(true)) {
            first.setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(8192)); // as Kafka Streams does
            setter.setConfig("node-state", first, configs);
            assertEquals(8192, ((BlockBasedTableConfig) first.tableFormatConfig()).blockSize(),
                    "the table settings Kafka Streams made are kept");
            setter.setConfig("node-window-samples", second, Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 1L << 30));
            // the first store made the shared cache; a later store's figure does not make a second one
            long total = BoundedRocksDbMemory.totalBytes();
            assertTrue(total > 0 && total < 1L << 30, "one cache, made by the first store: " + total);
            assertEquals(1L << 20, first.writeBufferSize(), "8 MiB in all: memtables of 1 MiB");
            assertEquals(2, first.maxWriteBufferNumber());
            try (RocksDB db = RocksDB.open(first, dir.resolve("a").toString())) {
                for (int i = 0; i < 20_000; i++) {
                    db.put(("node-" + i).getBytes(StandardCharsets.UTF_8), new byte[256]);
                }
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(flush);
                }
                assertEquals(256, db.get("node-19999".getBytes(StandardCharsets.UTF_8)).length);
            }
            assertTrue(Files.list(dir.resolve("a")).anyMatch(f -> f.toString().endsWith(".sst")),
                    "the memtable was flushed to a table that is read through the shared cache");
            setter.close("node-state", first);
        }
    }
}
