package io.ipcgateway.bench.load;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Parsing of command-line values with units.
 */
public final class Args
{
    private Args()
    {
    }

    /**
     * Parse a duration such as {@code 10s}, {@code 500ms}, {@code 1.5s}, {@code 2m} or {@code 300us}; a bare
     * number is seconds.
     *
     * @param option the option being parsed, for the error message.
     * @param value  the text.
     * @return the duration in nanoseconds.
     * @throws IllegalArgumentException naming the option and value when it cannot be parsed or is negative.
     */
    public static long parseDurationNs(final String option, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final long unitNs;
        final String number;
        if (text.endsWith("ms"))
        {
            unitNs = TimeUnit.MILLISECONDS.toNanos(1);
            number = text.substring(0, text.length() - 2);
        }
        else if (text.endsWith("us"))
        {
            unitNs = TimeUnit.MICROSECONDS.toNanos(1);
            number = text.substring(0, text.length() - 2);
        }
        else if (text.endsWith("ns"))
        {
            unitNs = 1;
            number = text.substring(0, text.length() - 2);
        }
        else if (text.endsWith("s"))
        {
            unitNs = TimeUnit.SECONDS.toNanos(1);
            number = text.substring(0, text.length() - 1);
        }
        else if (text.endsWith("m"))
        {
            unitNs = TimeUnit.MINUTES.toNanos(1);
            number = text.substring(0, text.length() - 1);
        }
        else
        {
            unitNs = TimeUnit.SECONDS.toNanos(1);
            number = text;
        }
        try
        {
            final double amount = Double.parseDouble(number);
            if (amount < 0 || Double.isNaN(amount))
            {
                throw new IllegalArgumentException(option + " must not be negative, but was " + value);
            }
            return Math.round(amount * unitNs);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(
                option + " must be a duration like 10s, 500ms or 300us, but was " + value, ex);
        }
    }

    /**
     * Parse a byte count such as {@code 32}, {@code 4k} or {@code 1m}.
     *
     * @param option the option being parsed, for the error message.
     * @param value  the text.
     * @return the number of bytes.
     * @throws IllegalArgumentException naming the option and value when it cannot be parsed.
     */
    public static int parseBytes(final String option, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int multiplier = 1;
        String number = text;
        if (text.endsWith("k"))
        {
            multiplier = 1024;
            number = text.substring(0, text.length() - 1);
        }
        else if (text.endsWith("m"))
        {
            multiplier = 1024 * 1024;
            number = text.substring(0, text.length() - 1);
        }
        try
        {
            return Math.multiplyExact(Integer.parseInt(number), multiplier);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw new IllegalArgumentException(option + " must be a byte count like 32 or 4k, but was " + value, ex);
        }
    }

    /**
     * Parse a positive integer.
     *
     * @param option the option being parsed, for the error message.
     * @param value  the text.
     * @return the number.
     * @throws IllegalArgumentException naming the option and value when it is not a positive integer.
     */
    public static int parsePositiveInt(final String option, final String value)
    {
        try
        {
            final int number = Integer.parseInt(value.trim());
            if (number <= 0)
            {
                throw new IllegalArgumentException(option + " must be positive, but was " + value);
            }
            return number;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a positive integer, but was " + value, ex);
        }
    }
}
