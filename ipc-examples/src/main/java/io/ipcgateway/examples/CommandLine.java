package io.ipcgateway.examples;

import io.ipcgateway.core.Configuration;
import io.ipcgateway.core.ConfigurationException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The parsed command line of one command: {@code --name value}, {@code --name=value} and {@code --flag}.
 * <p>
 * Parsing only checks the shape (known options, values present, no stray words); the typed getters check
 * the values. Every failure is a {@link UsageException} that names the option and what it accepts.
 */
public final class CommandLine
{
    private final String command;
    private final List<Option> options;
    private final Map<String, String> values;

    private CommandLine(final String command, final List<Option> options, final Map<String, String> values)
    {
        this.command = command;
        this.options = options;
        this.values = values;
    }

    /**
     * Parses arguments against the options a command accepts ({@link Option#HELP} is always accepted).
     *
     * @param command the command as the user typed it, e.g. {@code "ipc client"}, for messages.
     * @param options the options the command accepts.
     * @param args    the arguments.
     * @return the parsed command line.
     * @throws UsageException for an unknown option, a missing value, a repeated option or a stray word.
     */
    public static CommandLine parse(final String command, final List<Option> options, final String... args)
    {
        final List<Option> accepted = new ArrayList<>(options);
        if (!accepted.contains(Option.HELP))
        {
            accepted.add(Option.HELP);
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2)
            {
                throw new UsageException(command + ": unexpected argument '" + arg + "'; options start with --"
                    + " (valid options: " + names(accepted) + ")");
            }
            final int equals = arg.indexOf('=');
            final String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            final Option option = find(accepted, name);
            if (option == null)
            {
                throw new UsageException(command + ": unknown option --" + name + " (valid options: "
                    + names(accepted) + ")");
            }
            final String value;
            if (!option.takesValue())
            {
                if (equals >= 0)
                {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                value = "";
            }
            else if (equals >= 0)
            {
                value = arg.substring(equals + 1);
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException(command + ": option --" + name + " needs a value " + option.valueName());
            }
            if (values.put(name, value) != null)
            {
                throw new UsageException(command + ": option --" + name + " is given more than once");
            }
        }
        return new CommandLine(command, List.copyOf(accepted), values);
    }

    /**
     * Whether the user gave the option.
     *
     * @param name the option name without dashes.
     * @return {@code true} when present.
     */
    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    /**
     * A required text value.
     *
     * @param name the option name without dashes.
     * @return the value, never empty.
     * @throws UsageException when the option is missing or empty.
     */
    public String requiredString(final String name)
    {
        final String value = values.get(name);
        if (value == null || value.isBlank())
        {
            throw new UsageException(command + ": option --" + name + " is required");
        }
        return value;
    }

    /**
     * A required text value checked by a validator from the library it configures, such as
     * {@code ShmConfiguration::validateServiceName}.
     *
     * @param name      the option name without dashes.
     * @param validator returns the value when valid, else throws a {@link ConfigurationException} that says why.
     * @return the value.
     * @throws UsageException when the option is missing or the validator refuses it, with the validator's reason.
     */
    public String requiredString(final String name, final UnaryOperator<String> validator)
    {
        final String value = requiredString(name);
        try
        {
            return validator.apply(value);
        }
        catch (final ConfigurationException ex)
        {
            throw new UsageException(command + ": option --" + name + " is not valid: " + ex.getMessage());
        }
    }

    /**
     * An optional path.
     *
     * @param name the option name without dashes.
     * @return the path, or {@code null} when the option is absent.
     * @throws UsageException when the value is not a valid path.
     */
    public Path path(final String name)
    {
        final String value = values.get(name);
        if (value == null)
        {
            return null;
        }
        try
        {
            if (value.isBlank())
            {
                throw new InvalidPathException(value, "empty");
            }
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new UsageException(command + ": option --" + name + " needs a file system path, but was '"
                + value + "'");
        }
    }

    /**
     * A whole number in a range; the value may end in {@code k}, {@code m} or {@code g} (powers of 1024).
     *
     * @param name         the option name without dashes.
     * @param defaultValue the value when the option is absent.
     * @param min          the smallest valid value.
     * @param max          the largest valid value.
     * @return the value.
     * @throws UsageException when the value is not a whole number in the range.
     */
    public long longInRange(final String name, final long defaultValue, final long min, final long max)
    {
        final String value = values.get(name);
        if (value == null)
        {
            return defaultValue;
        }
        long parsed = Long.MIN_VALUE;
        try
        {
            parsed = Configuration.parseSize(name, value);
        }
        catch (final ConfigurationException ignore)
        {
            // Reported below with the valid range.
        }
        if (parsed < min || parsed > max)
        {
            throw new UsageException(command + ": option --" + name + " must be a whole number from " + min
                + " to " + max + ", but was '" + value + "'");
        }
        return parsed;
    }

    /**
     * A whole number in a range that fits an {@code int}.
     *
     * @param name         the option name without dashes.
     * @param defaultValue the value when the option is absent.
     * @param min          the smallest valid value.
     * @param max          the largest valid value.
     * @return the value.
     * @throws UsageException when the value is not a whole number in the range.
     */
    public int intInRange(final String name, final int defaultValue, final int min, final int max)
    {
        return (int)longInRange(name, defaultValue, min, max);
    }

    /**
     * A duration such as {@code 3s}, {@code 500ms}, {@code 1m} or {@code 2} (a bare number is seconds), within a range.
     *
     * @param name         the option name without dashes.
     * @param defaultNanos the value when the option is absent, in nanoseconds.
     * @param minNanos     the shortest valid duration, in nanoseconds.
     * @param maxNanos     the longest valid duration, in nanoseconds.
     * @return the duration in nanoseconds.
     * @throws UsageException when the value is not a duration in the range.
     */
    public long durationNanos(final String name, final long defaultNanos, final long minNanos, final long maxNanos)
    {
        final String value = values.get(name);
        if (value == null)
        {
            return defaultNanos;
        }
        final String text = value.trim();
        long nanos = -1;
        try
        {
            // A bare number means seconds on a command line; suffixes follow the project's configuration syntax.
            nanos = text.matches("[0-9]{1,9}") ? TimeUnit.SECONDS.toNanos(Long.parseLong(text)) :
                Configuration.parseDurationNs(name, text);
        }
        catch (final ConfigurationException ignore)
        {
            // Reported below with the valid forms.
        }
        if (nanos < minNanos || nanos > maxNanos)
        {
            throw new UsageException(command + ": option --" + name + " must be a duration from "
                + describeNanos(minNanos) + " to " + describeNanos(maxNanos) + " such as 3s or 500ms, but was '"
                + value + "'");
        }
        return nanos;
    }

    /**
     * One of an enum's constants, typed in lower case.
     *
     * @param name         the option name without dashes.
     * @param type         the enum.
     * @param defaultValue the value when the option is absent.
     * @param <E>          the enum type.
     * @return the constant.
     * @throws UsageException when the value names no constant; the message lists the valid values.
     */
    public <E extends Enum<E>> E choice(final String name, final Class<E> type, final E defaultValue)
    {
        final String value = values.get(name);
        if (value == null)
        {
            return defaultValue;
        }
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equalsIgnoreCase(value.trim()))
            {
                return constant;
            }
        }
        final StringJoiner valid = new StringJoiner("|");
        Arrays.stream(type.getEnumConstants()).forEach((c) -> valid.add(c.name().toLowerCase(Locale.ROOT)));
        throw new UsageException(command + ": option --" + name + " must be one of " + valid + ", but was '"
            + value + "'");
    }

    /**
     * The help text: the usage line, a summary and one line per option.
     *
     * @param summary what the command does, one or more lines.
     * @return the text, ending with a line break.
     */
    public String help(final String summary)
    {
        return help(command, summary, options);
    }

    /**
     * The help text of a command, built from its options.
     *
     * @param command the command as typed, e.g. {@code "ipc client"}.
     * @param summary what the command does.
     * @param options the options it accepts.
     * @return the text, ending with a line break.
     */
    public static String help(final String command, final String summary, final List<Option> options)
    {
        final StringBuilder text = new StringBuilder("Usage: ").append(command).append(" [options]\n\n")
            .append(summary.strip()).append("\n\nOptions:\n");
        final List<Option> all = new ArrayList<>(options);
        if (!all.contains(Option.HELP))
        {
            all.add(Option.HELP);
        }
        for (final Option option : all)
        {
            final String left = option.flagName() + (option.takesValue() ? " " + option.valueName() : "");
            text.append(String.format(Locale.ROOT, "  %-26s %s%n", left, option.description()));
        }
        return text.toString();
    }

    private static String describeNanos(final long nanos)
    {
        final long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    private static Option find(final List<Option> options, final String name)
    {
        for (final Option option : options)
        {
            if (option.name().equals(name))
            {
                return option;
            }
        }
        return null;
    }

    private static String names(final List<Option> options)
    {
        final StringJoiner joiner = new StringJoiner(", ");
        options.forEach((o) -> joiner.add(o.flagName()));
        return joiner.toString();
    }
}
