package dev.metricsstream.collector.pool;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.collector.metadata.ApiServerMetadataSource;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.scrape.TargetSource;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import dev.metricsstream.collector.metadata.SlimListerWatcher;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Node of the cluster from a client-java informer (list + watch on {@code /api/v1/nodes}, relist on 410
 * Gone; paged and slimmed by {@link SlimListerWatcher}: no images or conditions kept), addressed like
 * metrics-server does ({@link NodeAddresses}), cut to this replica's {@link Shard}. Nodes appear and disappear as
 * the informer sees them. The Nodes' labels, capacity and allocatable are kept for the
 * records ({@link #nodeInfo(String)}), so pool mode needs no per-node GET.
 */
public final class NodeInformerTargetSource implements TargetSource {
    private static final Logger LOG = LoggerFactory.getLogger(NodeInformerTargetSource.class);

    private final Shard shard;
    private final NodeAddresses addresses;
    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Node> informer;
    private final Map<String, Boolean> unaddressable = new ConcurrentHashMap<>();

    /** @param client an ApiClient whose read timeout is 0 (watches stay open for minutes) */
    public NodeInformerTargetSource(ApiClient client, NodeAddresses addresses, Shard shard) {
        this.shard = shard;
        this.addresses = addresses;
        SlimListerWatcher<V1Node, V1NodeList> listerWatcher = SlimListerWatcher.nodes(client);
        this.factory = new SharedInformerFactory(client);
        this.informer = factory.sharedIndexInformerFor(listerWatcher, V1Node.class, 0L,
                (type, error) -> LOG.atWarn().addKeyValue("source", "apiserver")
                        .addKeyValue("reason", "watch_error").log("node list/watch failed: {}", error.toString()));
        informer.setTransform(listerWatcher::transform);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Node node) {
                upsert(node);
            }

            @Override
            public void onUpdate(V1Node oldNode, V1Node newNode) {
                upsert(newNode);
            }

            @Override
            public void onDelete(V1Node node, boolean finalStateUnknown) {
                String name = name(node);
                if (name != null) {
                    unaddressable.remove(name);
                    LOG.atInfo().addKeyValue("node", name).log("node removed, no longer scraped");
                }
            }
        });
        factory.startAllRegisteredInformers();
    }

    /** Logs (once per node) a node that cannot be scraped because it has no address of a preferred type. */
    private void upsert(V1Node node) {
        String name = name(node);
        if (name == null) {
            return;
        }
        if (addresses.url(node).isPresent()) {
            unaddressable.remove(name);
        } else if (unaddressable.put(name, Boolean.TRUE) == null) {
            LOG.atWarn().addKeyValue("node", name).addKeyValue("reason", "no_node_address")
                    .log("node has no address of the preferred types {}; not scraped", addresses.preferredTypes());
        }
    }

    private static String name(V1Node node) {
        return node.getMetadata() == null ? null : node.getMetadata().getName();
    }

    /** True once the first node list arrived. */
    public boolean hasSynced() {
        return informer.hasSynced();
    }

    /** This replica's share of the addressable nodes in the informer's cache, sorted by name. */
    @Override
    public List<ScrapeTarget> targets() {
        List<ScrapeTarget> mine = new ArrayList<>();
        for (V1Node node : informer.getIndexer().list()) {
            String name = name(node);
            if (name != null && shard.owns(name)) {
                Optional<URI> url = addresses.url(node);
                url.ifPresent(u -> mine.add(new ScrapeTarget(name, u)));
            }
        }
        mine.sort(Comparator.comparing(ScrapeTarget::nodeName));
        return mine;
    }

    /** All nodes in the informer's cache, in every shard. */
    public int knownNodes() {
        return informer.getIndexer().list().size();
    }

    /** Labels, capacity and allocatable of a node, or null when unknown. */
    public NodeInfo nodeInfo(String nodeName) {
        V1Node node = informer.getIndexer().getByKey(nodeName);
        return node == null ? null : ApiServerMetadataSource.toNodeInfo(node);
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public void close() {
        factory.stopAllRegisteredInformers(true);
    }
}
