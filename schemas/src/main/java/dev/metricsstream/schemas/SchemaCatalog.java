package dev.metricsstream.schemas;

import dev.metricsstream.avro.MetricsWindow;
import dev.metricsstream.avro.NodeMetrics;
import dev.metricsstream.avro.NodeScrape;
import dev.metricsstream.avro.NodeUsage;
import dev.metricsstream.avro.PodMetrics;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** The top-level records that travel on our topics, each with its schema as generated into this build. */
public final class SchemaCatalog {

    private static final List<Class<? extends SpecificRecord>> RECORDS =
            List.of(NodeScrape.class, NodeMetrics.class, PodMetrics.class, NodeUsage.class, MetricsWindow.class);

    private SchemaCatalog() {
    }

    public static List<Class<? extends SpecificRecord>> recordClasses() {
        return RECORDS;
    }

    public static List<Schema> currentSchemas() {
        return List.of(NodeScrape.getClassSchema(), NodeMetrics.getClassSchema(), PodMetrics.getClassSchema(),
                NodeUsage.getClassSchema(), MetricsWindow.getClassSchema());
    }
}
