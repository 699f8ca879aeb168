package dev.metricsstream.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeTableTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void readmes_benchmark_table_is_what_the_committed_results_say() throws Exception {
        List<ReadmeTableMain.Row> rows = ReadmeTableMain.readRows(ROOT.resolve("bench/readme-table.tsv"));
        assertFalse(rows.isEmpty());
        for (ReadmeTableMain.Row row : rows) {
            assertTrue(Files.isRegularFile(ROOT.resolve(row.file())), "manifest names a missing result: " + row);
        }
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        assertEquals(readme, ReadmeTableMain.replaceBlock(readme, ReadmeTableMain.table(rows, ROOT)),
                "README's table was edited by hand or a result changed: regenerate it (bench/README.md)");
    }

    @Test
    void a_row_shows_the_figures_of_its_result_file(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bench/results"));
        Files.writeString(dir.resolve("bench/results/r.json"), """
                {"fleet": {"nodes": 2500, "podsPerNode": 30, "resolutionSeconds": 15.0},
                 "throughput": {"scrapesPerSecond": 150.2, "targetScrapesPerSecond": 166.7},
                 "freshness": {"p99Millis": 2345.0},
                 "queryLatency": {"hpa": {"p50Millis": 1.25}, "httpFloor": {"p50Millis": 0.8}, "topPods": {"p50Millis": 88.0}},
                 "processes": {"aggregator": {"cpuSecondsPerSecond": 0.25, "peakRssBytes": 314572800},
                               "gateway": {"cpuSecondsPerSecond": 0.05, "peakRssBytes": 209715200}},
                 "perNodeCost": {"cpuRatioToMetricsServerMeasured": 2.26, "memoryRatioToMetricsServerMeasured": 0.41,
                                 "metricsServerMeasuredIsExtrapolated": true},
                 "keptUp": false}
                """);
        String table = ReadmeTableMain.table(List.of(new ReadmeTableMain.Row("scaling", "my run",
                Path.of("bench/results/r.json"))), dir);
        String row = table.lines().filter(l -> l.startsWith("| my run")).findFirst().orElseThrow();
        assertEquals("| my run | 2,500 × 30 @ 15 s | 0.250 / 300 MiB | 0.050 / 200 MiB | **0.300 cores / 500 MiB** "
                + "| 2.3×, 0.4× (its figures extrapolated) | 2.3 s | 1.3 ms (0.8 ms) | 88 ms | no (150 of 167 scrapes/s) "
                + "| `r.json` |", row);
        assertTrue(table.startsWith(ReadmeTableMain.BEGIN) && table.endsWith(ReadmeTableMain.END));
    }

    @Test
    void a_combined_run_shows_its_one_process_as_the_whole(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("bench/results"));
        Files.writeString(dir.resolve("bench/results/c.json"), """
                {"fleet": {"nodes": 1000, "podsPerNode": 30, "resolutionSeconds": 15.0},
                 "throughput": {"scrapesPerSecond": 66.7, "targetScrapesPerSecond": 66.7},
                 "freshness": {"p99Millis": 310.0},
                 "queryLatency": {"hpa": {"p50Millis": 1.5}, "topPods": {"p50Millis": 30.0}},
                 "processes": {"combined": {"cpuSecondsPerSecond": 0.1, "peakRssBytes": 419430400}},
                 "perNodeCost": {"cpuRatioToMetricsServerMeasured": 1.9, "memoryRatioToMetricsServerMeasured": 0.82,
                                 "metricsServerMeasuredIsExtrapolated": false},
                 "keptUp": true}
                """);
        String table = ReadmeTableMain.table(List.of(new ReadmeTableMain.Row("tuning", "one JVM",
                Path.of("bench/results/c.json"))), dir);
        String row = table.lines().filter(l -> l.startsWith("| one JVM")).findFirst().orElseThrow();
        assertEquals("| one JVM | 1,000 × 30 @ 15 s | one JVM (combined): 0.100 / 400 MiB | (in the same JVM) "
                + "| **0.100 cores / 400 MiB** | 1.9×, 0.8× | 310 ms | 1.5 ms | 30 ms | yes | `c.json` |", row);
    }

    @Test
    void a_readme_without_the_markers_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> ReadmeTableMain.replaceBlock("no markers", "x"));
    }
}
