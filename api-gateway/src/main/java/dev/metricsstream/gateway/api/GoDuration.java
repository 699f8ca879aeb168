package dev.metricsstream.gateway.api;

/**
 * Go's {@code time.Duration.String()}, byte for byte: metrics-server writes {@code window} with it
 * ({@code "15.012s"}, {@code "1m0s"}, {@code "1.5ms"}, {@code "0s"}).
 */
public final class GoDuration {
    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private GoDuration() {
    }

    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // Go works on the unsigned magnitude, so Long.MIN_VALUE formats too
        boolean negative = nanos < 0;
        long magnitude = negative ? -nanos : nanos; // Long.MIN_VALUE stays negative: treat as unsigned below
        StringBuilder reversed = new StringBuilder(32);
        if (Long.compareUnsigned(magnitude, NANOS_PER_SECOND) < 0) {
            int precision;
            String unit;
            if (magnitude < NANOS_PER_MICRO) {
                precision = 0;
                unit = "ns";
            } else if (magnitude < NANOS_PER_MILLI) {
                precision = 3;
                unit = "µs";
            } else {
                precision = 6;
                unit = "ms";
            }
            reversed.append(new StringBuilder(unit).reverse());
            long rest = appendFraction(reversed, magnitude, precision);
            appendInteger(reversed, rest);
        } else {
            reversed.append('s');
            long rest = appendFraction(reversed, magnitude, 9);
            appendInteger(reversed, Long.remainderUnsigned(rest, 60));
            rest = Long.divideUnsigned(rest, 60);
            if (rest > 0) {
                reversed.append('m');
                appendInteger(reversed, rest % 60);
                rest /= 60;
                if (rest > 0) {
                    reversed.append('h');
                    appendInteger(reversed, rest);
                }
            }
        }
        if (negative) {
            reversed.append('-');
        }
        return reversed.reverse().toString();
    }

    /** Appends (reversed) the fraction v / 10^precision without trailing zeros; returns the integer part. */
    private static long appendFraction(StringBuilder reversed, long value, int precision) {
        boolean print = false;
        long v = value;
        for (int i = 0; i < precision; i++) {
            long digit = Long.remainderUnsigned(v, 10);
            print = print || digit != 0;
            if (print) {
                reversed.append((char) ('0' + digit));
            }
            v = Long.divideUnsigned(v, 10);
        }
        if (print) {
            reversed.append('.');
        }
        return v;
    }

    private static void appendInteger(StringBuilder reversed, long value) {
        long v = value;
        if (v == 0) {
            reversed.append('0');
            return;
        }
        while (v != 0) {
            reversed.append((char) ('0' + Long.remainderUnsigned(v, 10)));
            v = Long.divideUnsigned(v, 10);
        }
    }
}
