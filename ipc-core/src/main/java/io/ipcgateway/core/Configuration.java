package io.ipcgateway.core;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Parsing and validation shared by every configuration object of IPC Gateway.
 * <p>
 * Each module pairs a {@code *_PROP_NAME} constant (a system property) with a {@code *_DEFAULT} constant and reads
 * the effective value through the methods here, so every setting is parsed the same way:
 * <ul>
 *     <li>sizes are bytes, with an optional binary suffix: {@code 4096}, {@code 64k}, {@code 1m}, {@code 2g}
 *     (case-insensitive, {@code k} = 1024);</li>
 *     <li>durations are <b>nanoseconds</b> internally, everywhere; text takes a suffix {@code ns}, {@code us},
 *     {@code ms}, {@code s} or {@code m} (minutes), and a bare number means nanoseconds.</li>
 * </ul>
 * Invalid values raise a {@link ConfigurationException} that names the setting, the value and what is valid.
 */
public final class Configuration
{
    private static final long KIB = 1024L;

    private Configuration()
    {
    }

    /**
     * Parses a size with an optional {@code k}, {@code m} or {@code g} suffix (powers of 1024).
     *
     * @param setting name of the setting, for the error message.
     * @param text    the text to parse, e.g. {@code "64k"}.
     * @return the size in bytes, never negative.
     * @throws ConfigurationException when the text is not a size.
     */
    public static long parseSize(final String setting, final String text)
    {
        final String value = requireText(setting, text).toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String digits = value;
        final char last = value.charAt(value.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g')
        {
            multiplier = last == 'k' ? KIB : last == 'm' ? KIB * KIB : KIB * KIB * KIB;
            digits = value.substring(0, value.length() - 1).trim();
        }
        final long number = parseNonNegative(setting, text, digits, "a size in bytes like 4096, 64k, 1m or 2g");
        if (number > Long.MAX_VALUE / multiplier)
        {
            throw invalid(setting, text, "a size below 2^63 bytes");
        }
        return number * multiplier;
    }

    /**
     * Parses a duration into nanoseconds. Suffixes: {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m};
     * a bare number is nanoseconds.
     *
     * @param setting name of the setting, for the error message.
     * @param text    the text to parse, e.g. {@code "10ms"}.
     * @return the duration in nanoseconds, never negative.
     * @throws ConfigurationException when the text is not a duration.
     */
    public static long parseDurationNs(final String setting, final String text)
    {
        final String value = requireText(setting, text).toLowerCase(Locale.ROOT);
        final String expected = "a duration like 500us, 10ms, 5s, 2m or a bare number of nanoseconds";
        TimeUnit unit = TimeUnit.NANOSECONDS;
        String digits = value;
        if (value.endsWith("ns"))
        {
            digits = value.substring(0, value.length() - 2);
        }
        else if (value.endsWith("us"))
        {
            unit = TimeUnit.MICROSECONDS;
            digits = value.substring(0, value.length() - 2);
        }
        else if (value.endsWith("ms"))
        {
            unit = TimeUnit.MILLISECONDS;
            digits = value.substring(0, value.length() - 2);
        }
        else if (value.endsWith("s"))
        {
            unit = TimeUnit.SECONDS;
            digits = value.substring(0, value.length() - 1);
        }
        else if (value.endsWith("m"))
        {
            unit = TimeUnit.MINUTES;
            digits = value.substring(0, value.length() - 1);
        }
        final long number = parseNonNegative(setting, text, digits.trim(), expected);
        final long nanos = unit.toNanos(number);
        if (nanos == Long.MAX_VALUE)
        {
            throw invalid(setting, text, "a duration below 292 years");
        }
        return nanos;
    }

    /**
     * Reads a size from a system property, or returns the default when the property is not set.
     *
     * @param propName     the system property.
     * @param defaultValue the default size in bytes.
     * @return the size in bytes.
     * @throws ConfigurationException when the property is set but is not a size.
     */
    public static long sizeProperty(final String propName, final long defaultValue)
    {
        final String text = System.getProperty(propName);
        return text == null ? defaultValue : parseSize(propName, text);
    }

    /**
     * Reads a duration from a system property, or returns the default when the property is not set.
     *
     * @param propName       the system property.
     * @param defaultValueNs the default in nanoseconds.
     * @return the duration in nanoseconds.
     * @throws ConfigurationException when the property is set but is not a duration.
     */
    public static long durationProperty(final String propName, final long defaultValueNs)
    {
        final String text = System.getProperty(propName);
        return text == null ? defaultValueNs : parseDurationNs(propName, text);
    }

    /**
     * Reads a whole number from a system property, or returns the default when the property is not set.
     *
     * @param propName     the system property.
     * @param defaultValue the default.
     * @return the value.
     * @throws ConfigurationException when the property is set but is not a whole number.
     */
    public static int intProperty(final String propName, final int defaultValue)
    {
        final String text = System.getProperty(propName);
        if (text == null)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(propName, text, "a whole number");
        }
    }

    /**
     * Reads {@code true} or {@code false} (case-insensitive) from a system property, or returns the default when the
     * property is not set.
     *
     * @param propName     the system property.
     * @param defaultValue the default.
     * @return the value.
     * @throws ConfigurationException when the property is set to anything else.
     */
    public static boolean booleanProperty(final String propName, final boolean defaultValue)
    {
        final String text = System.getProperty(propName);
        if (text == null)
        {
            return defaultValue;
        }
        final String trimmed = text.trim();
        if ("true".equalsIgnoreCase(trimmed))
        {
            return true;
        }
        if ("false".equalsIgnoreCase(trimmed))
        {
            return false;
        }
        throw invalid(propName, text, "true or false");
    }

    /**
     * Reads an enum constant (case-insensitive) from a system property, or returns the default when not set.
     *
     * @param propName     the system property.
     * @param type         the enum type.
     * @param defaultValue the default.
     * @param <E>          the enum type.
     * @return the value.
     * @throws ConfigurationException when the property names no constant of {@code type}.
     */
    public static <E extends Enum<E>> E enumProperty(final String propName, final Class<E> type, final E defaultValue)
    {
        final String text = System.getProperty(propName);
        return text == null ? defaultValue : parseEnum(propName, type, text);
    }

    /**
     * Parses an enum constant, case-insensitive.
     *
     * @param setting name of the setting, for the error message.
     * @param type    the enum type.
     * @param text    the text to parse.
     * @param <E>     the enum type.
     * @return the constant.
     * @throws ConfigurationException when {@code text} names no constant; the message lists the valid ones.
     */
    public static <E extends Enum<E>> E parseEnum(final String setting, final Class<E> type, final String text)
    {
        final String value = requireText(setting, text).toUpperCase(Locale.ROOT);
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equals(value))
            {
                return constant;
            }
        }
        final StringBuilder valid = new StringBuilder("one of");
        for (final E constant : type.getEnumConstants())
        {
            valid.append(' ').append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw invalid(setting, text, valid.toString());
    }

    /**
     * Checks that a value lies in {@code [min, max]}.
     *
     * @param setting name of the setting, for the error message.
     * @param value   the value.
     * @param min     smallest valid value.
     * @param max     largest valid value.
     * @return {@code value}.
     * @throws ConfigurationException when the value is out of range.
     */
    public static long requireRange(final String setting, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw invalid(setting, Long.toString(value), "a value in [" + min + ", " + max + "]");
        }
        return value;
    }

    /**
     * Checks that a duration lies in {@code [minNs, maxNs]}; the message shows the value and the range as human
     * durations ({@link Durations#format}), e.g. {@code connectTimeout='0 ns': expected a duration in [1 ns, 53375 d]}.
     *
     * @param setting name of the setting without a unit suffix, e.g. {@code connectTimeout}.
     * @param valueNs the value in nanoseconds.
     * @param minNs   smallest valid value in nanoseconds.
     * @param maxNs   largest valid value in nanoseconds.
     * @return {@code valueNs}.
     * @throws ConfigurationException when the value is out of range.
     */
    public static long requireDurationRange(
        final String setting, final long valueNs, final long minNs, final long maxNs)
    {
        if (valueNs < minNs || valueNs > maxNs)
        {
            throw invalid(setting, Durations.format(valueNs),
                "a duration in [" + Durations.format(minNs) + ", " + Durations.format(maxNs) + "]");
        }
        return valueNs;
    }

    /**
     * Builds the exception for an invalid setting, with one message shape for every module.
     *
     * @param setting  name of the setting (or its system property).
     * @param value    the value given.
     * @param expected what is valid.
     * @return the exception to throw.
     */
    public static ConfigurationException invalid(final String setting, final String value, final String expected)
    {
        return new ConfigurationException(
            "invalid setting: " + setting + "=" + quote(value) + ": expected " + expected);
    }

    private static String requireText(final String setting, final String text)
    {
        if (text == null || text.trim().isEmpty())
        {
            throw invalid(setting, text, "a non-empty value");
        }
        return text.trim();
    }

    private static long parseNonNegative(
        final String setting, final String original, final String digits, final String expected)
    {
        try
        {
            final long value = Long.parseLong(digits);
            if (value < 0)
            {
                throw invalid(setting, original, expected);
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(setting, original, expected);
        }
    }

    private static String quote(final String value)
    {
        return value == null ? "null" : "'" + value + "'";
    }
}
