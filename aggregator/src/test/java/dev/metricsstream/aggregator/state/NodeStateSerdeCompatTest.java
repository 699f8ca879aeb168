package dev.metricsstream.aggregator.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metricsstream.aggregator.window.SampleSeries;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node state as the version before the window sample store wrote it to its changelog (format 2, samples inside
 * the state; the fixture was written by that version's {@code NodeStateSerde}: 30 pods, 20 samples per entity) is
 * still read, with its samples handed over for the move into the sample store.
 */
class NodeStateSerdeCompatTest {

    @Test
    void a_format_2_state_is_read_with_its_window_samples_and_written_back_as_such() throws IOException {
        byte[] written;
        try (InputStream in = getClass().getResourceAsStream("/state/node-state-format2-30-pods-20-samples.bin")) {
            written = in.readAllBytes();
        }
        assertEquals(2, written[0]);
        NodeState state = new NodeStateSerde().deserialize("t", written);
        assertEquals(30, state.pods().size());
        assertTrue(state.nodeEmitted());
        Map<String, SampleSeries> samples = state.windows().legacySamples();
        assertEquals(31, samples.size(), "the node and its 30 pods");
        samples.values().forEach(series -> assertEquals(20, series.size()));
        SampleSeries pod = samples.get("team-0/web-7d4b9c8f6d-10000");
        assertEquals(Map.of("app", "web-0", "pod-template-hash", "7d4b9c8f6d", "app.kubernetes.io/part-of", "shop",
                "tier", "frontend"), pod.labelSets().get(pod.labelIndex(19)));
        assertTrue(pod.timestampMillis(0) < pod.timestampMillis(19));
        byte[] again = new NodeStateSerde().serialize("t", state);
        assertEquals(2, again[0], "not yet moved: written back in the format it was read in");
        assertEquals(state, new NodeStateSerde().deserialize("t", again));
    }
}
