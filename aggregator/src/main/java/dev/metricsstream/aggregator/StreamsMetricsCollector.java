package dev.metricsstream.aggregator;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Exports a chosen handful of Kafka Streams' own metrics, read when Prometheus scrapes (not copied into gauges):
 * throughput, commit latency, lag, restoration, dropped records, live threads, and the client state.
 * Values of one metric across threads/tasks/partitions are summed (or maxed for {@code -max} metrics).
 */
final class StreamsMetricsCollector implements MultiCollector {

    private record Export(String prometheusName, String help) {
    }

    /** (Kafka group, Kafka name) → what it is called in Prometheus. */
    private static final Map<List<String>, Export> EXPORTED = new LinkedHashMap<>();

    static {
        export("stream-thread-metrics", "process-total", "kafka_streams_records_processed",
                "Records processed by all stream threads (a running count).");
        export("stream-thread-metrics", "process-rate", "kafka_streams_process_rate",
                "Records processed per second.");
        export("stream-thread-metrics", "commit-latency-avg", "kafka_streams_commit_latency_avg_ms",
                "Average commit latency in milliseconds.");
        export("stream-thread-metrics", "punctuate-total", "kafka_streams_punctuations",
                "Punctuations run (a running count).");
        export("stream-task-metrics", "dropped-records-total", "kafka_streams_dropped_records",
                "Records dropped by Kafka Streams (a running count).");
        export("stream-metrics", "alive-stream-threads", "kafka_streams_alive_stream_threads",
                "Stream threads alive.");
        export("consumer-fetch-manager-metrics", "records-lag-max", "kafka_streams_records_lag_max",
                "Largest lag in records of any input partition.");
        export("stream-state-metrics", "restore-remaining-records-total", "kafka_streams_restore_remaining_records",
                "Records still to restore into local state stores.");
    }

    private static void export(String group, String name, String prometheusName, String help) {
        EXPORTED.put(List.of(group, name), new Export(prometheusName, help));
    }

    private final Supplier<KafkaStreams> streams;

    StreamsMetricsCollector(Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    @Override
    public MetricSnapshots collect() {
        KafkaStreams current = streams.get();
        List<MetricSnapshot> snapshots = new ArrayList<>();
        if (current == null) {
            return new MetricSnapshots(snapshots);
        }
        Map<List<String>, Double> values = new LinkedHashMap<>();
        for (Map.Entry<MetricName, ? extends Metric> entry : current.metrics().entrySet()) {
            List<String> id = List.of(entry.getKey().group(), entry.getKey().name());
            if (!EXPORTED.containsKey(id) || !(entry.getValue().metricValue() instanceof Number number)) {
                continue;
            }
            double value = number.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            values.merge(id, value, id.get(1).endsWith("-max") ? Math::max : Double::sum);
        }
        for (Map.Entry<List<String>, Double> entry : values.entrySet()) {
            Export export = EXPORTED.get(entry.getKey());
            snapshots.add(GaugeSnapshot.builder().name(export.prometheusName()).help(export.help())
                    .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(entry.getValue()).build())
                    .build());
        }
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("kafka_streams_client_state")
                .help("1 for the Kafka Streams client's current state.");
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            state.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("state", s.name())).value(current.state() == s ? 1 : 0).build());
        }
        snapshots.add(state.build());
        return new MetricSnapshots(snapshots);
    }
}
