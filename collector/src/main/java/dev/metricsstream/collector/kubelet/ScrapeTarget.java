package dev.metricsstream.collector.kubelet;

import java.net.URI;
import java.util.Objects;

/** One kubelet to scrape: the node name (the record key) and the kubelet's base URL, e.g. https://10.0.0.5:10250. */
public record ScrapeTarget(String nodeName, URI baseUrl) {
    public ScrapeTarget {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** The URL of an endpoint path such as {@code /metrics/resource}. */
    public URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }
}
