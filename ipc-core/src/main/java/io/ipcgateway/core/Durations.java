package io.ipcgateway.core;

/**
 * The one formatter of durations for humans, used by every error message and log line of IPC Gateway: settings are
 * nanoseconds inside, but a message says {@code connectTimeout=10 s}, not {@code connectTimeoutNs=10000000000}.
 * <p>
 * The unit is the largest of {@code ns}, {@code us}, {@code ms}, {@code s}, {@code min}, {@code h} and {@code d} in
 * which the value is at least 1; whole values are printed without decimals, others with up to three significant
 * digits ({@code 1.5 s}, {@code 2.25 ms}, {@code 333 us}).
 */
public final class Durations
{
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] UNIT_NAMES = {"d", "h", "min", "s", "ms", "us", "ns"};

    private Durations()
    {
    }

    /**
     * Formats a duration for a human.
     *
     * @param nanos the duration in nanoseconds (negative values keep their sign).
     * @return e.g. {@code "10 s"}, {@code "1.5 s"}, {@code "250 ms"}, {@code "0 ns"}.
     */
    public static String format(final long nanos)
    {
        if (nanos == Long.MIN_VALUE)
        {
            return "-" + format(Long.MAX_VALUE);
        }
        if (nanos < 0)
        {
            return "-" + format(-nanos);
        }
        for (int i = 0; i < UNIT_NANOS.length; i++)
        {
            final long unit = UNIT_NANOS[i];
            if (nanos >= unit)
            {
                return number(nanos, unit) + " " + UNIT_NAMES[i];
            }
        }
        return "0 ns";
    }

    /**
     * Formats a setting for an error message: its name and its value as a human duration.
     *
     * @param setting name of the setting, without a unit suffix, e.g. {@code connectTimeout}.
     * @param nanos   its value in nanoseconds.
     * @return e.g. {@code "connectTimeout=10 s"}.
     */
    public static String describe(final String setting, final long nanos)
    {
        return setting + "=" + format(nanos);
    }

    private static String number(final long nanos, final long unit)
    {
        final long whole = nanos / unit;
        final long remainder = nanos % unit;
        if (remainder == 0 || whole >= 100)
        {
            return Long.toString(Math.round((double)nanos / unit));
        }
        // Three significant digits: one or two decimals depending on the whole part, trailing zeros dropped.
        final int decimals = whole >= 10 ? 1 : 2;
        final double scale = decimals == 1 ? 10.0 : 100.0;
        final double rounded = Math.round(nanos * scale / unit) / scale;
        String text = String.format(java.util.Locale.ROOT, "%." + decimals + "f", rounded);
        while (text.endsWith("0"))
        {
            text = text.substring(0, text.length() - 1);
        }
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
