package dev.metricsstream.collector.scrape;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import java.util.List;

/**
 * Where the kubelets to scrape come from; the scrape loop asks for a snapshot at every tick. Implementations: the
 * own node or a static list ({@code pool.FixedTargetSource}) and every Node the
 * apiserver knows ({@code pool.NodeInformerTargetSource}), both limited to this
 * replica's shard in pool mode.
 */
public interface TargetSource extends AutoCloseable {
    /** The targets to scrape now (a snapshot; may change between calls). */
    List<ScrapeTarget> targets();

    /** Stable name for logs ({@code own-node}, {@code static}, {@code cluster}). */
    String name();

    @Override
    default void close() {
    }
}
