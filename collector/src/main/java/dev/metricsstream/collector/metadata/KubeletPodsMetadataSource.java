package dev.metricsstream.collector.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Pod metadata from the kubelet's own {@code /pods} (a PodList of the pods bound to it): for runs outside a cluster
 * (standalone, tests) and pool mode without an apiserver. The kubelet does not serve the Node object, so the node's
 * labels and capacity stay unknown.
 */
public final class KubeletPodsMetadataSource implements MetadataSource {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final KubeletHttp http;

    public KubeletPodsMetadataSource(KubeletHttp http) {
        this.http = http;
    }

    @Override
    public String name() {
        return "kubelet";
    }

    @Override
    public NodeMetadata metadataFor(ScrapeTarget target) throws ScrapeException {
        return http.get(target.resolve("/pods"), "application/json", KubeletPodsMetadataSource::parse);
    }

    /** Reads a v1 PodList: items[].metadata.{namespace,name,uid,labels} and status.phase. */
    public static NodeMetadata parse(InputStream podList) throws IOException {
        JsonNode root = MAPPER.readTree(podList);
        Map<String, PodMetadata> pods = new HashMap<>();
        if (root != null) {
            for (JsonNode item : root.path("items")) {
                JsonNode meta = item.path("metadata");
                String namespace = meta.path("namespace").asText("");
                String name = meta.path("name").asText("");
                if (namespace.isEmpty() || name.isEmpty()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = meta.path("labels").fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> label = it.next();
                    labels.put(label.getKey(), label.getValue().asText());
                }
                String uid = meta.path("uid").asText(null);
                String phase = item.path("status").path("phase").asText(null);
                pods.put(NodeMetadata.key(namespace, name), new PodMetadata(uid, phase, labels));
            }
        }
        return new NodeMetadata(pods, null);
    }
}
