package dev.metricsstream.collector;

import dev.metricsstream.avro.NodeInfo;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.collector.kubelet.BearerToken;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.metadata.ApiServerMetadataSource;
import dev.metricsstream.collector.metadata.ClusterPodMetadataSource;
import dev.metricsstream.collector.metadata.KubeletPodsMetadataSource;
import dev.metricsstream.collector.metadata.MetadataSource;
import dev.metricsstream.collector.pool.FixedTargetSource;
import dev.metricsstream.collector.pool.NodeInformerTargetSource;
import dev.metricsstream.collector.pool.PoolSettings.TargetMode;
import dev.metricsstream.collector.publish.ProducerSettings;
import dev.metricsstream.collector.scrape.HttpKubeletSource;
import dev.metricsstream.collector.scrape.KubeletSource;
import dev.metricsstream.collector.scrape.TargetSource;
import dev.metricsstream.collector.scrape.TlsContexts;
import dev.metricsstream.common.ops.ServiceMain;
import dev.metricsstream.schemas.Topic;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * How each part of the collector is made from its configuration, one factory per part, so that
 * {@link CollectorApp#start} reads as the steps of start-up. Package-private: nothing outside the composition root
 * chooses parts.
 */
final class CollectorParts {
    private CollectorParts() {
    }

    /**
     * The targets {@code TARGET_SOURCE} asks for: the own node, the static list, or every Node from an apiserver
     * informer; cut to this replica's shard ({@code POOL_ORDINAL}/{@code POOL_REPLICAS}).
     */
    static TargetSource targetSource(CollectorConfig config) {
        return switch (config.pool().mode()) {
            case OWN_NODE -> new FixedTargetSource("own-node", config.targets(), config.pool().shard());
            case STATIC -> new FixedTargetSource("static", config.targets(), config.pool().shard());
            case CLUSTER -> {
                if (config.apiserverUrl() == null) {
                    throw new IllegalStateException("TARGET_SOURCE=cluster needs APISERVER_URL or the in-cluster "
                            + "KUBERNETES_SERVICE_HOST");
                }
                yield new NodeInformerTargetSource(apiClient(config), config.pool().addresses(),
                        config.pool().shard());
            }
        };
    }

    /** The HTTPS client every kubelet request goes through: serving-certificate check, bearer token, limits. */
    static KubeletHttp kubeletHttp(CollectorConfig config) {
        return new KubeletHttp(sslContext(config), new BearerToken(config.tokenFile()), config.scrapeTimeout(),
                config.maxResponseBytes());
    }

    /** Verifies kubelets against {@code KUBELET_CA_FILE}, or not at all with {@code KUBELET_INSECURE_TLS=true}. */
    static SSLContext sslContext(CollectorConfig config) {
        try {
            return config.insecureTls() ? TlsContexts.insecure() : TlsContexts.trusting(config.caFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read KUBELET_CA_FILE " + config.caFile(), e);
        } catch (GeneralSecurityException e) {
            throw new ServiceMain.CannotStart("invalid_ca", "cannot use KUBELET_CA_FILE " + config.caFile() + ": "
                    + e.getMessage());
        }
    }

    /** The kubelet endpoints {@code KUBELET_SOURCE} names. */
    static List<KubeletSource> sources(CollectorConfig config, KubeletHttp http) {
        return switch (config.sources()) {
            case METRICS_RESOURCE -> List.of(HttpKubeletSource.metricsResource(http));
            case STATS_SUMMARY -> List.of(HttpKubeletSource.statsSummary(http));
            case BOTH -> List.of(HttpKubeletSource.metricsResource(http), HttpKubeletSource.statsSummary(http));
        };
    }

    /** Pod labels and phases per {@code METADATA_SOURCE}: none, the kubelet's {@code /pods}, or apiserver informers. */
    static MetadataSource metadataSource(CollectorConfig config, KubeletHttp http, TargetSource targets) {
        return switch (config.metadataMode()) {
            case NONE -> MetadataSource.none();
            case KUBELET -> new KubeletPodsMetadataSource(http);
            case APISERVER -> {
                if (config.pool().mode() == TargetMode.OWN_NODE) {
                    yield new ApiServerMetadataSource(apiClient(config), config.targets().get(0).nodeName(),
                            config.nodeMetadataRefresh());
                }
                // many nodes: one cluster-wide pod informer; node labels/capacity from the node informer if any
                Function<String, NodeInfo> nodeInfo = targets instanceof NodeInformerTargetSource informer
                        ? informer::nodeInfo : name -> null;
                yield new ClusterPodMetadataSource(apiClient(config), nodeInfo);
            }
        };
    }

    /** The collector's one Kafka producer, for {@code kubelet-scrapes}, with a client id naming the node or shard. */
    static Producer<String, NodeScrape> kafkaProducer(CollectorConfig config) {
        Topic<String, NodeScrape> topic = config.topics().kubeletScrapes();
        return new KafkaProducer<>(ProducerSettings.producerProperties(config.kafka().clientProperties(),
                "collector-" + clientSuffix(config)), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static String clientSuffix(CollectorConfig config) {
        if (config.pool().mode() == TargetMode.OWN_NODE && config.targets().size() == 1) {
            return config.targets().get(0).nodeName();
        }
        return "pool-" + config.pool().shard().ordinal();
    }

    /** An apiserver client with {@code APISERVER_URL}, its token file and CA (the kubelet's unless set apart). */
    static ApiClient apiClient(CollectorConfig config) {
        try {
            ClientBuilder builder = new ClientBuilder().setBasePath(config.apiserverUrl().toString())
                    .setReadTimeout(Duration.ZERO);
            if (config.apiserverTokenFile() != null) {
                builder.setAuthentication(new TokenFileAuthentication(config.apiserverTokenFile().toString()));
            }
            if ("https".equals(config.apiserverUrl().getScheme())) {
                if (config.apiserverCaFile() != null && Files.isReadable(config.apiserverCaFile())) {
                    builder.setCertificateAuthority(Files.readAllBytes(config.apiserverCaFile()));
                } else {
                    builder.setVerifyingSsl(!config.insecureTls());
                }
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
