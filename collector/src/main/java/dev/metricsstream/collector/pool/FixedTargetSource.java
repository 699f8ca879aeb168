package dev.metricsstream.collector.pool;

import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.scrape.TargetSource;
import java.util.List;

/** A fixed list (the own node, {@code KUBELET_TARGETS}, {@code KUBELET_TARGETS_FILE}) cut to this replica's shard. */
public final class FixedTargetSource implements TargetSource {
    private final String name;
    private final List<ScrapeTarget> targets;

    public FixedTargetSource(String name, List<ScrapeTarget> all, Shard shard) {
        this.name = name;
        this.targets = all.stream().filter(t -> shard.owns(t.nodeName())).toList();
    }

    @Override
    public List<ScrapeTarget> targets() {
        return targets;
    }

    @Override
    public String name() {
        return name;
    }
}
