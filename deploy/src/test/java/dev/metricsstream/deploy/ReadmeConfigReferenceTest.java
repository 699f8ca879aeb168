package dev.metricsstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.AggregatorConfig;
import dev.metricsstream.combined.CombinedConfig;
import dev.metricsstream.gateway.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** README.md's configuration reference names exactly the variables the code reads. */
class ReadmeConfigReferenceTest {

    static final Pattern KEY = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

    /** Variable names in the first column of each "### <module>" table under "## Configuration reference". */
    static Map<String, List<String>> tables(String readme) {
        int start = readme.indexOf("\n## Configuration reference\n");
        assertTrue(start >= 0, "README.md has no '## Configuration reference' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : section.split("\n")) {
            if (line.startsWith("### ")) {
                current = new ArrayList<>();
                tables.put(line.substring(4).strip(), current);
            } else if (current != null && line.startsWith("| ") && !line.startsWith("| ---")
                    && !line.startsWith("| variable")) {
                Matcher m = KEY.matcher(line.substring(0, line.indexOf('|', 1)));
                while (m.find()) {
                    current.add(m.group(1));
                }
            }
        }
        return tables;
    }

    @ParameterizedTest
    @EnumSource(ServiceKeys.class)
    void every_variable_the_code_reads_has_a_row_and_every_row_is_read_by_the_code(ServiceKeys service) {
        List<String> rows = tables(Repo.read("README.md")).get(service.module);
        assertTrue(rows != null && !rows.isEmpty(), "README.md has no table under '### " + service.module + "'");
        Set<String> missing = new TreeSet<>(service.documented());
        missing.removeAll(rows);
        assertEquals(Set.of(), missing, service.module + ": read by the code but not in README.md");
        List<String> unread = rows.stream().filter(k -> !service.reads(k)).toList();
        assertEquals(List.of(), unread, service.module + ": in README.md but not read by the code");
        assertEquals(rows.size(), Set.copyOf(rows).size(), service.module + ": a variable listed twice");
    }

    @Test
    void the_combined_table_gives_the_prefix_rule_and_the_changed_defaults_and_links_to_both_services() {
        String readme = Repo.read("README.md");
        int start = readme.indexOf("\n### combined\n");
        assertTrue(start >= 0, "README.md has no '### combined' table");
        int end = readme.indexOf("\n#", start + 1);
        String table = readme.substring(start, end < 0 ? readme.length() : end);
        for (String text : List.of("`AGGREGATOR_<", "`GATEWAY_<", "](#aggregator)", "](#api-gateway)")) {
            assertTrue(table.contains(text), "the combined table lacks " + text);
        }
        // the code's side of "only these defaults differ": with nothing set, the combined process's services are
        // configured as when run alone except for the aggregator's ops port; APPLICATION_ID leaves the gateway alone
        assertEquals(AggregatorConfig.from(Map.of("OPS_PORT", "-1")), CombinedConfig.from(Map.of()).aggregator());
        assertNotEquals(AggregatorConfig.from(Map.of()), CombinedConfig.from(Map.of()).aggregator());
        assertEquals(GatewayConfig.from(Map.of()), CombinedConfig.from(Map.of()).gateway());
        CombinedConfig renamed = CombinedConfig.from(Map.of("APPLICATION_ID", "team-a"));
        assertEquals(GatewayConfig.from(Map.of()), renamed.gateway());
        assertEquals("team-a", renamed.aggregator().applicationId());
        assertEquals("team-a-gw", CombinedConfig.from(Map.of("GATEWAY_APPLICATION_ID", "team-a-gw")).gateway()
                .applicationId());
    }

    @Test
    void the_reader_finds_every_name_in_a_row() {
        Map<String, List<String>> tables = tables("""
                x
                ## Configuration reference
                ### collector
                | variable | default | meaning |
                | --- | --- | --- |
                | `OPS_HOST` / `OPS_PORT` | `0.0.0.0` / `8081` | `NOT_A_KEY` in the meaning column |
                ## Next
                | `IGNORED` | | |
                """);
        assertEquals(Map.of("collector", List.of("OPS_HOST", "OPS_PORT")), tables);
    }

    @Test
    void configuration_tables_live_only_in_the_readme_and_the_other_docs_link_there() throws IOException {
        List<String> copies = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Repo.root())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md"))
                    .filter(f -> !Repo.root().relativize(f).toString().equals("README.md"))
                    .filter(f -> Repo.root().relativize(f).getNameCount() > 0)
                    .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.metrics-stream/")
                            && !f.toString().contains("/node_modules/") && !f.toString().contains("/.git/"))
                    .toList()) {
                if (Files.readString(file).contains("| variable | default | meaning |")) {
                    copies.add(Repo.root().relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), copies, "a copy of a configuration table drifts: link to README.md#<module> instead");
        for (String doc : List.of("collector/README.md", "api-gateway/README.md", "docs/architecture.md",
                "docs/security.md")) {
            assertTrue(Repo.read(doc).contains("../README.md#"), doc + " links to the configuration reference");
        }
    }

    @Test
    void the_readme_keeps_what_ci_and_the_other_docs_rely_on() {
        String readme = Repo.read("README.md");
        assertTrue(readme.contains("```\n./mvnw -B verify\n```"), "the 'Test it' command CI greps for");
        assertTrue(readme.contains("./bin/metrics-stream up"));
        assertTrue(readme.contains("](docs/security.md)"));
        assertTrue(readme.contains("\n## Benchmarks\n"));
        for (String heading : List.of("## Quick start", "## How it works", "## Deploy to a cluster",
                "## Configuration reference", "## Reading the topics", "## Security model", "## Troubleshooting")) {
            assertTrue(readme.contains("\n" + heading), "README.md lacks " + heading);
        }
    }
}
