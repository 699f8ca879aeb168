package dev.metricsstream.aggregator.window;

import java.util.List;
import java.util.Map;

/**
 * Where a node's window samples live between the scrape that published them and the close of their last window:
 * one chunk per scrape, appended once and never rewritten, under a chunk time that is at least the time of every
 * sample in it and grows with each chunk of the node.
 */
public interface SampleLog {

    /** Stores the samples of one scrape. */
    void append(String node, long chunkMillis, List<WindowSample> samples);

    /**
     * The samples of the node's chunks with a chunk time at or after {@code fromChunkMillis}, per entity, each
     * series in the order the chunks were appended.
     */
    Map<String, SampleSeries> read(String node, long fromChunkMillis);

    /** Removes the node's chunks with a chunk time before {@code chunkMillis}. */
    void deleteBefore(String node, long chunkMillis);

    /** Removes every chunk of the node. */
    void deleteAll(String node);
}
