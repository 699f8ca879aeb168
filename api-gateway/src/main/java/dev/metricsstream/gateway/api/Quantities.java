package dev.metricsstream.gateway.api;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.custom.QuantityFormatter;
import java.math.BigDecimal;

/**
 * CPU and memory as the canonical quantity strings metrics-server writes. metrics-server builds them as
 * {@code NewScaledQuantity(nanocores, -9)} with DecimalSI and {@code NewScaledQuantity(bytes, 0)} with BinarySI
 * ({@code pkg/storage/types.go}); apimachinery's {@code CanonicalizeBytes} then prints:
 * <ul>
 *   <li>zero as {@code "0"} (client-java would print {@code "0n"});</li>
 *   <li>CPU with the largest exact SI suffix: {@code 487558164n}, {@code 1u}, {@code 500m}, {@code 1};</li>
 *   <li>memory below 1024 bytes in DecimalSI ({@code 1000 -> "1k"}, {@code 512 -> "512"}), otherwise with the
 *       largest exact binary suffix ({@code 732212Ki}), plain bytes when not divisible by 1024.</li>
 * </ul>
 * The digits and suffixes themselves come from client-java's {@link QuantityFormatter}.
 */
public final class Quantities {
    private static final QuantityFormatter FORMATTER = new QuantityFormatter();

    private Quantities() {
    }

    /** {@code nanocores} is already whole: client-java throws below nano ("No suffix for exponent-12"). */
    public static String cpu(long nanocores) {
        if (nanocores == 0) {
            return "0";
        }
        return FORMATTER.format(new Quantity(BigDecimal.valueOf(nanocores, 9), Quantity.Format.DECIMAL_SI));
    }

    public static String memory(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        Quantity.Format format = bytes > -1024 && bytes < 1024 ? Quantity.Format.DECIMAL_SI : Quantity.Format.BINARY_SI;
        return FORMATTER.format(new Quantity(BigDecimal.valueOf(bytes), format));
    }

    /**
     * Any other value (a rate in bytes per second) as a DecimalSI quantity rounded to milli-units, with the largest
     * exact suffix: {@code 125000 -> "125k"}, {@code 1234.5678 -> "1234568m"}, {@code 0 -> "0"}.
     */
    public static String decimal(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite quantity: " + value);
        }
        long milli = Math.round(value * 1000);
        if (milli == 0) {
            return "0";
        }
        return FORMATTER.format(new Quantity(BigDecimal.valueOf(milli, 3), Quantity.Format.DECIMAL_SI));
    }

    /** Cores as a double (for Prometheus), from whole nanocores. */
    public static double cores(long nanocores) {
        return nanocores / 1e9;
    }
}
