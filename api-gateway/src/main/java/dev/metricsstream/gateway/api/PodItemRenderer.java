package dev.metricsstream.gateway.api;

import dev.metricsstream.avro.ContainerMetrics;
import dev.metricsstream.avro.PodMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Renders pod list items ({@link ListItemJson}) with little garbage, for the loader that re-renders every pod of a
 * node on each update: the metadata parts of the pod's previous item are shared when the caller knows name,
 * namespace and labels are unchanged, and the usage part is written straight into a reused buffer, so an update
 * allocates about one small array per pod. The bytes are those of {@link MetricsJson#podListItem} (the reference,
 * Jackson over the same fields): anything outside the common case (a container name that JSON would escape,
 * quantities outside the plain ranges) is rendered by it instead.
 *
 * <p>Not thread-safe: one instance per loader thread.
 */
public final class PodItemRenderer {
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":\"");
    private static final byte[] WINDOW = ascii("\",\"window\":\"");
    private static final byte[] CONTAINERS = ascii("\",\"containers\":[");
    private static final byte[] NAME = ascii("{\"name\":\"");
    private static final byte[] CPU = ascii("\",\"usage\":{\"cpu\":\"");
    private static final byte[] MEMORY = ascii("\",\"memory\":\"");
    private static final byte[] CONTAINER_END = ascii("\"}}");
    private static final byte[] BODY_END = ascii("]}");
    private static final String[] BINARY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private byte[] buffer = new byte[512];
    private int length;
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] cachedTime;
    private long cachedWindowNanos = Long.MIN_VALUE;
    private byte[] cachedWindow;

    /**
     * The pod's list item. {@code sameMetadata}, when not null, is an item of a pod with this pod's name, namespace
     * and labels; its metadata parts are shared.
     */
    public ListItemJson render(PodMetrics pod, ListItemJson sameMetadata) {
        if (sameMetadata == null) {
            return MetricsJson.podListItem(pod);
        }
        byte[] body = body(pod);
        return body == null ? MetricsJson.podListItem(pod) : new ListItemJson(sameMetadata.head(), sameMetadata.meta(), body);
    }

    /** {@code ,"timestamp":…,"window":…,"containers":[…]}} as MetricsJson writes it, or null outside the fast path. */
    private byte[] body(PodMetrics pod) {
        length = 0;
        put(TIMESTAMP);
        put(time(pod.getTimestampMillis()));
        put(WINDOW);
        put(window(pod.getWindowNanos()));
        put(CONTAINERS);
        List<ContainerMetrics> containers = pod.getContainers();
        for (int i = 0; i < containers.size(); i++) {
            ContainerMetrics container = containers.get(i);
            if (i > 0) {
                put((byte) ',');
            }
            put(NAME);
            if (!putPlainString(container.getName())) {
                return null;
            }
            put(CPU);
            if (!putCpu(container.getCpuNanocores())) {
                return null;
            }
            put(MEMORY);
            if (!putMemory(container.getMemoryWorkingSetBytes())) {
                return null;
            }
            put(CONTAINER_END);
        }
        put(BODY_END);
        return Arrays.copyOf(buffer, length);
    }

    private byte[] time(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedTime = ascii(MetricsJson.rfc3339(millis));
            cachedSecond = second;
        }
        return cachedTime;
    }

    private byte[] window(long nanos) {
        if (nanos != cachedWindowNanos || cachedWindow == null) {
            cachedWindow = GoDuration.format(nanos).getBytes(StandardCharsets.UTF_8);
            cachedWindowNanos = nanos;
        }
        return cachedWindow;
    }

    /** A string JSON writes as it is (printable ASCII, no quote or backslash); false for anything else. */
    private boolean putPlainString(String value) {
        int n = value.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
            buffer[length++] = (byte) c;
        }
        return true;
    }

    /**
     * {@link Quantities#cpu}: DecimalSI with the largest exact suffix of nano, micro, milli or none; false for
     * zero, negative values and whole thousands of cores (left to {@link Quantities}).
     */
    private boolean putCpu(long nanocores) {
        if (nanocores <= 0) {
            return false;
        }
        if (nanocores % 1000 != 0) {
            return putDigits(nanocores, "n");
        }
        if (nanocores / 1000 % 1000 != 0) {
            return putDigits(nanocores / 1000, "u");
        }
        if (nanocores / 1_000_000 % 1000 != 0) {
            return putDigits(nanocores / 1_000_000, "m");
        }
        long cores = nanocores / NANOS_PER_SECOND;
        return cores % 1000 != 0 && putDigits(cores, "");
    }

    /**
     * {@link Quantities#memory} from 1024 bytes up: BinarySI with the largest exact power-of-1024 suffix, plain
     * bytes when not a multiple of 1024; false below 1024 (DecimalSI there, left to {@link Quantities}).
     */
    private boolean putMemory(long bytes) {
        if (bytes < 1024) {
            return false;
        }
        long value = bytes;
        int suffix = 0;
        while (suffix < BINARY_SUFFIXES.length - 1 && (value & 1023) == 0) {
            value >>= 10;
            suffix++;
        }
        return putDigits(value, BINARY_SUFFIXES[suffix]);
    }

    private boolean putDigits(long positive, String suffix) {
        int digits = 1;
        for (long v = positive / 10; v > 0; v /= 10) {
            digits++;
        }
        ensure(digits + suffix.length());
        long v = positive;
        for (int i = length + digits - 1; i >= length; i--) {
            buffer[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        for (int i = 0; i < suffix.length(); i++) {
            buffer[length++] = (byte) suffix.charAt(i);
        }
        return true;
    }

    private void put(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
