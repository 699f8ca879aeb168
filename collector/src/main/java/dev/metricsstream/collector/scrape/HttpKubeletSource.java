package dev.metricsstream.collector.scrape;

import dev.metricsstream.avro.ScrapeSource;
import dev.metricsstream.collector.kubelet.KubeletHttp;
import dev.metricsstream.collector.kubelet.ScrapeException;
import dev.metricsstream.collector.kubelet.ScrapeTarget;
import dev.metricsstream.collector.parse.DecodeResult;
import dev.metricsstream.collector.parse.ResourceMetricsDecoder;
import dev.metricsstream.collector.parse.SummaryDecoder;
import java.io.IOException;
import java.io.InputStream;

/** A kubelet endpoint read over HTTPS and decoded by one of the parsers. */
public final class HttpKubeletSource implements KubeletSource {
    /** Decodes a body; the parsers' {@code decode} methods fit. */
    @FunctionalInterface
    public interface Decoder {
        DecodeResult decode(InputStream body, String nodeName, long requestTimeMillis) throws IOException;
    }

    private final String name;
    private final ScrapeSource kind;
    private final String path;
    private final String accept;
    private final KubeletHttp http;
    private final Decoder decoder;

    public HttpKubeletSource(String name, ScrapeSource kind, String path, String accept, KubeletHttp http,
            Decoder decoder) {
        this.name = name;
        this.kind = kind;
        this.path = path;
        this.accept = accept;
        this.http = http;
        this.decoder = decoder;
    }

    /** {@code /metrics/resource}, what metrics-server v0.6+ reads. */
    public static HttpKubeletSource metricsResource(KubeletHttp http) {
        ResourceMetricsDecoder decoder = new ResourceMetricsDecoder();
        return new HttpKubeletSource("metrics-resource", ScrapeSource.METRICS_RESOURCE, "/metrics/resource",
                "text/plain;version=0.0.4", http, decoder::decode);
    }

    /** {@code /stats/summary}: adds memory detail, network, filesystem and uids. */
    public static HttpKubeletSource statsSummary(KubeletHttp http) {
        SummaryDecoder decoder = new SummaryDecoder();
        return new HttpKubeletSource("stats-summary", ScrapeSource.STATS_SUMMARY, "/stats/summary",
                "application/json", http, decoder::decode);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ScrapeSource kind() {
        return kind;
    }

    @Override
    public DecodeResult fetch(ScrapeTarget target, long requestTimeMillis) throws ScrapeException {
        return http.get(target.resolve(path), accept,
                body -> decoder.decode(body, target.nodeName(), requestTimeMillis));
    }
}
