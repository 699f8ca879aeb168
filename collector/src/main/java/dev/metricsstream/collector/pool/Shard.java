package dev.metricsstream.collector.pool;

/**
 * This replica's place in the pool: {@code ordinal} in {@code 0..replicas-1}. A node is ours when
 * {@link Rendezvous#owner} says so. {@code replicas = 1} (the default) owns everything.
 */
public record Shard(int ordinal, int replicas) {
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (replicas < 1 || ordinal < 0 || ordinal >= replicas) {
            throw new IllegalArgumentException("ordinal must be in 0.." + (replicas - 1) + ", got " + ordinal);
        }
    }

    public boolean owns(String nodeName) {
        return replicas == 1 || Rendezvous.owner(nodeName, replicas) == ordinal;
    }

    /**
     * The StatefulSet ordinal at the end of a pod name ({@code metrics-stream-collector-pool-3} → 3), or -1 when
     * the name does not end in {@code -<digits>}.
     */
    public static int ordinalFromPodName(String podName) {
        if (podName == null) {
            return -1;
        }
        int dash = podName.lastIndexOf('-');
        if (dash < 0 || dash == podName.length() - 1) {
            return -1;
        }
        String digits = podName.substring(dash + 1);
        if (digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    @Override
    public String toString() {
        return ordinal + "/" + replicas;
    }
}
