package dev.metricsstream.collector.pool;

import java.nio.charset.StandardCharsets;

/**
 * Rendezvous (highest random weight) hashing: node {@code n} belongs to the replica {@code r} in {@code 0..count-1}
 * with the highest {@code hash64(n, r)}. Every replica computes the same owner without talking to the others, and
 * going from {@code count} to {@code count + 1} replicas moves only the nodes the new replica now wins (about
 * {@code 1/(count+1)} of them); no node moves between the old replicas.
 *
 * <p>The hash is 64-bit FNV-1a over the node name's UTF-8 bytes, a 0 separator and the replica number (4 bytes,
 * big-endian), finished with MurmurHash3's {@code fmix64} avalanche step. It is fixed here (never
 * {@link String#hashCode()}), so replicas built from different JVMs or versions agree.
 */
public final class Rendezvous {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Rendezvous() {
    }

    /** The replica ({@code 0..replicas-1}) that owns {@code nodeName}. */
    public static int owner(String nodeName, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
        }
        byte[] name = nodeName.getBytes(StandardCharsets.UTF_8);
        int best = 0;
        long bestWeight = 0;
        for (int replica = 0; replica < replicas; replica++) {
            long weight = weight(name, replica);
            // unsigned comparison; ties (practically impossible) go to the lower replica
            if (replica == 0 || Long.compareUnsigned(weight, bestWeight) > 0) {
                best = replica;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** The stable 64-bit weight of a node for a replica. */
    public static long weight(String nodeName, int replica) {
        return weight(nodeName.getBytes(StandardCharsets.UTF_8), replica);
    }

    private static long weight(byte[] name, int replica) {
        long h = FNV_OFFSET;
        for (byte b : name) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        h ^= 0;
        h *= FNV_PRIME;
        for (int shift = 24; shift >= 0; shift -= 8) {
            h ^= (replica >>> shift) & 0xff;
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
