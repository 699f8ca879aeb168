package dev.metricsstream.collector.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardingTest {
    private static List<String> names(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // names as real fleets have them: a shared prefix and a short varying suffix
            names.add(i % 2 == 0 ? "ip-10-0-" + (i / 250) + "-" + (i % 250) + ".eu-west-1.compute.internal"
                    : "gke-prod-pool-" + Integer.toString(i * 7919, 36));
        }
        return names;
    }

    @Test
    void every_share_of_ten_thousand_nodes_is_within_ten_percent_of_even_for_one_to_five_replicas() {
        List<String> nodes = names(10_000);
        for (int replicas = 1; replicas <= 5; replicas++) {
            int[] counts = new int[replicas];
            for (String node : nodes) {
                counts[Rendezvous.owner(node, replicas)]++;
            }
            double even = nodes.size() / (double) replicas;
            for (int r = 0; r < replicas; r++) {
                assertTrue(Math.abs(counts[r] - even) <= even * 0.10,
                        "replica " + r + " of " + replicas + " has " + counts[r] + " nodes, even is " + even);
            }
        }
    }

    @Test
    void adding_a_replica_moves_at_most_one_nth_plus_five_percent_and_only_to_the_new_replica() {
        List<String> nodes = names(10_000);
        for (int before = 1; before <= 4; before++) {
            int after = before + 1;
            int moved = 0;
            for (String node : nodes) {
                int was = Rendezvous.owner(node, before);
                int now = Rendezvous.owner(node, after);
                if (was != now) {
                    moved++;
                    assertEquals(before, now, node + " moved between old replicas " + was + " → " + now);
                }
            }
            double bound = nodes.size() * (1.0 / after + 0.05);
            assertTrue(moved <= bound, before + " → " + after + " replicas moved " + moved + " nodes (bound " + bound
                    + ")");
            assertTrue(moved > 0, "the new replica must get nodes");
        }
    }

    @Test
    void the_owner_is_stable_across_runs_and_does_not_use_string_hash_code() {
        // Pinned values: a change of hash function would silently reshuffle every running pool.
        assertEquals(0x85dd7253e566172dL, Rendezvous.weight("node-1", 0));
        assertEquals(List.of(1, 2, 1, 2), List.of(Rendezvous.owner("node-1", 3), Rendezvous.owner("node-2", 3),
                Rendezvous.owner("node-3", 3), Rendezvous.owner("node-4", 3)));
        long weight = Rendezvous.weight("node-1", 0);
        assertEquals(weight, Rendezvous.weight("node-1", 0));
        assertNotEquals(weight, Rendezvous.weight("node-1", 1));
        assertNotEquals(weight, Rendezvous.weight("node-2", 0));
        // "Aa" and "BB" share String.hashCode(); the rendezvous weights differ
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertNotEquals(Rendezvous.weight("Aa", 0), Rendezvous.weight("BB", 0));
    }

    @Test
    void ordinal_comes_from_the_statefulset_pod_name() {
        assertEquals(3, Shard.ordinalFromPodName("metrics-stream-collector-pool-3"));
        assertEquals(12, Shard.ordinalFromPodName("pool-12"));
        assertEquals(-1, Shard.ordinalFromPodName("collector-7d9f8b6c5-x2k4p"));
        assertEquals(-1, Shard.ordinalFromPodName("laptop"));
        assertEquals(-1, Shard.ordinalFromPodName("pool-"));
        assertEquals(-1, Shard.ordinalFromPodName(null));
    }

    @Test
    void a_shard_outside_the_replica_count_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new Shard(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Shard(-1, 2));
        assertTrue(Shard.ALL.owns("anything"));
    }
}
