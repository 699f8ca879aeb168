package dev.metricsstream.aggregator.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of all the instance's RocksDB stores together (Kafka Streams' documented recipe): one
 * block cache shared by every store, with the memtables charged against it through one {@link WriteBufferManager}, and
 * the index and filter blocks held in that cache too. Without it each store instance (two stores × every partition
 * the instance owns) gets Kafka Streams' defaults, a 50 MB block cache and up to three 16 MB memtables of its own,
 * and the process's memory grows with the partition count instead of with the state.
 *
 * <p>Kafka Streams instantiates this class per store by reflection, so the cache and the manager are static, made on
 * the first store with the size in {@link #MEMORY_BYTES_CONFIG}, and never closed by a store (they outlive every
 * store; they go with the process).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** The Streams property (set by the aggregator from {@code ROCKSDB_MEMORY_MIB}) with the total in bytes. */
    public static final String MEMORY_BYTES_CONFIG = "metrics.stream.rocksdb.memory.bytes";
    /** A memtable's size: small, because one node's scrape writes a few KB and a flush is cheap. */
    static final long MEMTABLE_BYTES = 4L << 20;
    /** Memtables may take up to half of the total; the rest is block cache. */
    static final double MEMTABLE_SHARE = 0.5;
    /** The share of the cache reserved for index and filter blocks, so data blocks cannot push them out. */
    static final double INDEX_FILTER_SHARE = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long totalBytes;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long bytes = Long.parseLong(String.valueOf(configs.get(MEMORY_BYTES_CONFIG)));
        // Kafka Streams hands over its own table config (keep its other settings); a bare Options has none
        BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig given ? given
                : new BlockBasedTableConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null) {
                totalBytes = bytes;
                cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
                writeBufferManager = new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBufferManager);
        }
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, Math.max(1L << 20, bytes / 8)));
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store: closing them here would break the others
    }

    /** The total the shared cache was made with (0 until the first store opened); for the startup log and tests. */
    public static synchronized long totalBytes() {
        return totalBytes;
    }
}
