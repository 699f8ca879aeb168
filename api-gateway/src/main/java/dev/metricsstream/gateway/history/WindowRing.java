package dev.metricsstream.gateway.history;

import java.util.Arrays;

/**
 * One entity's closed windows of one size, oldest first, in a ring of primitive ints that grows (doubling) up to
 * {@code capacity} windows and then overwrites the oldest. Seven ints (28 bytes) per window: start in minutes since
 * the epoch, CPU avg/max/p95 in microcores, memory avg/max/p95 in KiB (unsigned: up to 4 TiB). Not thread-safe:
 * {@link WindowHistory} locks the owning entity.
 */
final class WindowRing {
    static final int STRIDE = 7;
    private static final int INITIAL_WINDOWS = 4;

    private final int capacity;
    private int[] data = new int[0];
    private int head;
    private int size;

    WindowRing(int capacity) {
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    int startMinute(int logical) {
        return data[slot(logical)];
    }

    /** Copies window {@code logical} (0 = oldest) into {@code out[0..6]}. */
    void read(int logical, int[] out) {
        System.arraycopy(data, slot(logical), out, 0, STRIDE);
    }

    private int slot(int logical) {
        return ((head + logical) % (data.length / STRIDE)) * STRIDE;
    }

    /**
     * Adds or replaces (same start) one window. Returns false when it is older than everything a full ring keeps.
     */
    boolean put(int[] window) {
        int start = window[0];
        if (size == 0 || start > startMinute(size - 1)) {
            append(window);
            return true;
        }
        int index = search(start);
        if (index >= 0) {
            System.arraycopy(window, 0, data, slot(index), STRIDE);
            return true;
        }
        int insertAt = -index - 1;
        if (insertAt == 0 && size == capacity) {
            return false;
        }
        // rare (a late or replayed window): rebuild in order
        int[] linear = linear(size + 1);
        System.arraycopy(linear, insertAt * STRIDE, linear, (insertAt + 1) * STRIDE, (size - insertAt) * STRIDE);
        System.arraycopy(window, 0, linear, insertAt * STRIDE, STRIDE);
        int count = size + 1;
        int drop = Math.max(0, count - capacity);
        data = Arrays.copyOfRange(linear, drop * STRIDE, Math.max(count - drop, 1) * STRIDE);
        head = 0;
        size = count - drop;
        return true;
    }

    /** Index of the window starting at {@code startMinute}, or {@code -(insertion point) - 1}. */
    int search(int startMinute) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int value = startMinute(mid);
            if (value < startMinute) {
                low = mid + 1;
            } else if (value > startMinute) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    private void append(int[] window) {
        int slots = data.length / STRIDE;
        if (size == slots && slots < capacity) {
            data = linear(Math.min(capacity, Math.max(INITIAL_WINDOWS, slots * 2)));
            head = 0;
            slots = data.length / STRIDE;
        }
        if (size == slots) { // full at capacity: overwrite the oldest
            System.arraycopy(window, 0, data, head * STRIDE, STRIDE);
            head = (head + 1) % slots;
            return;
        }
        System.arraycopy(window, 0, data, slot(size), STRIDE);
        size++;
    }

    /** The windows oldest first in a fresh array with room for {@code windows}. */
    private int[] linear(int windows) {
        int[] out = new int[windows * STRIDE];
        for (int i = 0; i < size; i++) {
            System.arraycopy(data, slot(i), out, i * STRIDE, STRIDE);
        }
        return out;
    }
}
