package io.ipcgateway.examples;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import io.ipcgateway.shm.ShmConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * The value types of the applications' options, as picocli converters, and the range checks picocli has no
 * annotation for. A converter's message becomes picocli's {@code Invalid value for option '--x': ...}; a range
 * check's message has the same form, so every bad value names its option the same way.
 */
public final class OptionValues
{
    private OptionValues()
    {
    }

    /**
     * Checks that a whole number is in a range.
     *
     * @param spec   the command, for the error.
     * @param option the option as typed, e.g. {@code --clients}.
     * @param value  the value.
     * @param min    the smallest valid value.
     * @param max    the largest valid value.
     * @return the value.
     * @throws CommandLine.ParameterException when it is out of the range.
     */
    public static long inRange(final CommandSpec spec, final String option, final long value, final long min,
        final long max)
    {
        if (value < min || value > max)
        {
            throw invalid(spec, option, "must be a whole number from " + min + " to " + max + ", but was " + value);
        }
        return value;
    }

    /**
     * Checks that a duration is in a range.
     *
     * @param spec     the command, for the error.
     * @param option   the option as typed, e.g. {@code --timeout}.
     * @param nanos    the duration in nanoseconds.
     * @param minNanos the shortest valid duration.
     * @param maxNanos the longest valid duration.
     * @return the duration.
     * @throws CommandLine.ParameterException when it is out of the range.
     */
    public static long durationInRange(final CommandSpec spec, final String option, final long nanos,
        final long minNanos, final long maxNanos)
    {
        if (nanos < minNanos || nanos > maxNanos)
        {
            throw invalid(spec, option, "must be a duration from " + describeNanos(minNanos) + " to "
                + describeNanos(maxNanos) + " such as 3s or 500ms, but was " + describeNanos(nanos));
        }
        return nanos;
    }

    /**
     * A usage error about one option's value, worded as picocli words its own.
     *
     * @param spec    the command.
     * @param option  the option as typed.
     * @param problem what is wrong and what is valid.
     * @return the exception, for the caller to throw.
     */
    public static CommandLine.ParameterException invalid(final CommandSpec spec, final String option,
        final String problem)
    {
        return new CommandLine.ParameterException(spec.commandLine(),
            "Invalid value for option '" + option + "': " + problem);
    }

    private static String describeNanos(final long nanos)
    {
        if (nanos % TimeUnit.SECONDS.toNanos(1) == 0)
        {
            return TimeUnit.NANOSECONDS.toSeconds(nanos) + "s";
        }
        if (nanos % TimeUnit.MILLISECONDS.toNanos(1) == 0)
        {
            return TimeUnit.NANOSECONDS.toMillis(nanos) + "ms";
        }
        return nanos + "ns";
    }

    /** A whole number that may end in {@code k}, {@code m} or {@code g} (powers of 1024), e.g. {@code 64k}. */
    public static final class Size implements ITypeConverter<Long>
    {
        /** Creates the converter (picocli does). */
        public Size()
        {
        }

        @Override
        public Long convert(final String value)
        {
            try
            {
                return Configuration.parseSize("value", value);
            }
            catch (final ConfigurationException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a whole number (k, m and g suffixes"
                    + " allowed)");
            }
        }
    }

    /** A duration such as {@code 3s}, {@code 500ms} or {@code 1m}; a bare number is seconds. In nanoseconds. */
    public static final class Duration implements ITypeConverter<Long>
    {
        /** Creates the converter (picocli does). */
        public Duration()
        {
        }

        @Override
        public Long convert(final String value)
        {
            final String text = value.trim();
            try
            {
                // A bare number means seconds on a command line; suffixes follow the project's configuration syntax.
                return text.matches("[0-9]{1,9}") ? TimeUnit.SECONDS.toNanos(Long.parseLong(text)) :
                    Configuration.parseDurationNs("value", text);
            }
            catch (final ConfigurationException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a duration such as 3s, 500ms or 1m");
            }
        }
    }

    /** A service name as the transport accepts it ({@link ShmConfiguration#validateServiceName}). */
    public static final class ServiceName implements ITypeConverter<String>
    {
        /** Creates the converter (picocli does). */
        public ServiceName()
        {
        }

        @Override
        public String convert(final String value)
        {
            try
            {
                return ShmConfiguration.validateServiceName(value);
            }
            catch (final ConfigurationException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }
    }

    /** How a thread waits: {@code spin}, {@code yield}, {@code backoff} or {@code block}. */
    public static final class Idle implements ITypeConverter<IdleMode>
    {
        /** Creates the converter (picocli does). */
        public Idle()
        {
        }

        @Override
        public IdleMode convert(final String value)
        {
            return choice(IdleMode.class, value);
        }
    }

    /** The load client's traffic: {@code oneway} or {@code rr}. */
    public static final class Mode implements ITypeConverter<LoadMode>
    {
        /** Creates the converter (picocli does). */
        public Mode()
        {
        }

        @Override
        public LoadMode convert(final String value)
        {
            return choice(LoadMode.class, value);
        }
    }

    private static <E extends Enum<E>> E choice(final Class<E> type, final String value)
    {
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equalsIgnoreCase(value.trim()))
            {
                return constant;
            }
        }
        final StringJoiner valid = new StringJoiner("|");
        Arrays.stream(type.getEnumConstants()).forEach((c) -> valid.add(c.name().toLowerCase(Locale.ROOT)));
        throw new TypeConversionException("must be one of " + valid + ", but was '" + value + "'");
    }
}
