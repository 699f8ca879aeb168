package dev.metricsstream.bench.jmh;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.metricsstream.avro.PodMetrics;
import dev.metricsstream.gateway.api.MetricsJson;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Setup;

/** The gateway's metrics.k8s.io JSON writer: a PodMetricsList of 150,000 pods and an HPA-sized one of 20. */
@Measurement(iterations = 3, time = 3)
public class JsonRenderBenchmark extends MicroBenchmark {
    private List<PodMetrics> all;
    private List<PodMetrics> hpa;

    @Setup(Level.Trial)
    public void setUp() {
        all = StoredPods.generate(150_000, 100, 11);
        hpa = all.subList(0, 20);
    }

    /** Counts the bytes instead of keeping them, as a socket would. */
    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private static long render(List<PodMetrics> pods) throws IOException {
        CountingSink sink = new CountingSink();
        long now = System.currentTimeMillis();
        try (JsonGenerator json = MetricsJson.generator(sink)) {
            MetricsJson.startList(json, MetricsJson.POD_KIND, "metrics.k8s.io/v1beta1");
            for (PodMetrics pod : pods) {
                MetricsJson.writePod(json, pod, "metrics.k8s.io/v1beta1", now, false);
            }
            MetricsJson.endList(json);
        }
        return sink.bytes;
    }

    @Benchmark
    public long podMetricsList150000Pods() throws IOException {
        return render(all);
    }

    @Benchmark
    public long podMetricsListHpa20Pods() throws IOException {
        return render(hpa);
    }
}
