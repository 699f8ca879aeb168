package dev.metricsstream.collector.pool;

import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The kubelet URL of a Node, chosen as metrics-server does ({@code pkg/utils/address.go},
 * {@code pkg/scraper/client/resource/client.go}): for each preferred address type in order, the first address of
 * that type in {@code status.addresses} wins; the port is {@code status.daemonEndpoints.kubeletEndpoint.port} when
 * set and non-zero (metrics-server's {@code --kubelet-use-node-status-port}), else the default port.
 *
 * @param preferredTypes address types in order of preference, e.g. {@code InternalIP, ExternalIP, Hostname}
 */
public record NodeAddresses(List<String> preferredTypes, int defaultPort, boolean useNodeStatusPort, String scheme) {
    public static final List<String> DEFAULT_TYPES = List.of("InternalIP", "ExternalIP", "Hostname");
    /** The address types Kubernetes defines ({@code NodeAddressType}). */
    public static final List<String> KNOWN_TYPES = List.of("Hostname", "InternalIP", "ExternalIP", "InternalDNS",
            "ExternalDNS");

    public NodeAddresses {
        preferredTypes = List.copyOf(preferredTypes);
    }

    public static NodeAddresses defaults() {
        return new NodeAddresses(DEFAULT_TYPES, 10250, true, "https");
    }

    /** The kubelet base URL, or empty when the node has no address of a preferred type. */
    public Optional<URI> url(V1Node node) {
        V1NodeStatus status = node.getStatus();
        if (status == null || status.getAddresses() == null) {
            return Optional.empty();
        }
        for (String type : preferredTypes) {
            for (V1NodeAddress address : status.getAddresses()) {
                if (type.equals(address.getType()) && address.getAddress() != null
                        && !address.getAddress().isBlank()) {
                    return Optional.of(URI.create(scheme + "://" + host(address.getAddress()) + ":" + port(node)));
                }
            }
        }
        return Optional.empty();
    }

    int port(V1Node node) {
        if (!useNodeStatusPort) {
            return defaultPort;
        }
        V1NodeStatus status = node.getStatus();
        Integer port = status == null || status.getDaemonEndpoints() == null
                || status.getDaemonEndpoints().getKubeletEndpoint() == null
                ? null : status.getDaemonEndpoints().getKubeletEndpoint().getPort();
        return port == null || port == 0 ? defaultPort : port;
    }

    private static String host(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address; // IPv6 literal
    }
}
