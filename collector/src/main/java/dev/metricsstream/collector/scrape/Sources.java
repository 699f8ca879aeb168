package dev.metricsstream.collector.scrape;

import java.util.Locale;

/** Which kubelet endpoints a collector reads ({@code KUBELET_SOURCE}). cAdvisor may join later as another source. */
public enum Sources {
    METRICS_RESOURCE,
    STATS_SUMMARY,
    BOTH;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
