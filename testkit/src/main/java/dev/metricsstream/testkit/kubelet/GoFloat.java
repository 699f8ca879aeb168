package dev.metricsstream.testkit.kubelet;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a double exactly as the kubelet's Prometheus exposition does: client_golang's {@code writeFloat}, i.e.
 * {@code strconv.FormatFloat(f, 'g', -1, 64)} (shortest digits that round-trip; exponent form when the decimal
 * exponent is below -4 or at least 6, e.g. {@code 3.7474304e+07}, {@code 1.704801651080639e+09}), with its special
 * cases {@code NaN}, {@code +Inf}, {@code -Inf}.
 *
 * <p>Java's {@code Double.toString} differs (E-notation from 1e7, {@code 1.0E7}, and on JDK 17 not always the
 * shortest digits), so the digits are computed here from the exact binary value.
 */
final class GoFloat {

    private GoFloat() {
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal digits = shortest(value);
        String unscaled = digits.unscaledValue().abs().toString();
        int nd = unscaled.length();
        // value = 0.unscaled × 10^dp (Go's decimal point position)
        int dp = nd - digits.scale();
        int exp = dp - 1;
        StringBuilder out = new StringBuilder(24);
        if (value < 0) {
            out.append('-');
        }
        if (exp < -4 || exp >= 6) {
            out.append(unscaled.charAt(0));
            if (nd > 1) {
                out.append('.').append(unscaled, 1, nd);
            }
            out.append('e').append(exp < 0 ? '-' : '+');
            int abs = Math.abs(exp);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (dp <= 0) {
            out.append("0.");
            out.append("0".repeat(-dp));
            out.append(unscaled);
        } else if (dp >= nd) {
            out.append(unscaled);
            out.append("0".repeat(dp - nd));
        } else {
            out.append(unscaled, 0, dp).append('.').append(unscaled, dp, nd);
        }
        return out.toString();
    }

    /**
     * The shortest decimal that parses back to {@code value}, closest to it among those of that length. Rounding the
     * exact binary value to p digits round-trips for every p at or above the shortest length (17 always does), so
     * the shortest length is found by binary search.
     */
    private static BigDecimal shortest(double value) {
        BigDecimal exact = new BigDecimal(value);
        int low = 1;
        int high = 17;
        BigDecimal best = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
        while (low < high) {
            int mid = (low + high) >>> 1;
            BigDecimal rounded = exact.round(new MathContext(mid, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                best = rounded;
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        if (low == 17 || best.precision() > low) {
            best = exact.round(new MathContext(low, RoundingMode.HALF_EVEN));
        }
        return best.stripTrailingZeros();
    }
}
