package io.ipcgateway.bench;

import java.util.List;

import io.ipcgateway.bench.load.Args;
import io.ipcgateway.bench.load.Mode;
import io.ipcgateway.bench.transport.Idle;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The options of every {@code bin/ipc bench} command are parsed by picocli through {@link #parse}: each command
 * declares them as a picocli {@code @Command} class with {@code --help}, and the value types with units
 * ({@code 10s}, {@code 4k}) are the converters below, over {@link Args}.
 * <p>
 * A bad command line becomes an {@link IllegalArgumentException} whose message is picocli's, naming the option,
 * which {@link BenchMain} prints with exit code 2; {@code --help} becomes a {@link HelpRequestedException} carrying
 * the help text, which {@link BenchMain} prints with exit code 0.
 */
public final class BenchCli
{
    private BenchCli()
    {
    }

    /**
     * Parses a command's options into its picocli {@code @Command} object.
     *
     * @param command the object whose {@code @Option} fields receive the values.
     * @param args    the options.
     * @param <T>     the command's type.
     * @return {@code command}, filled in.
     * @throws IllegalArgumentException       for an unknown option, a missing or bad value; the message names
     *                                        the option and ends with a pointer to the command's {@code --help}.
     * @throws HelpRequestedException when {@code --help} was given.
     */
    public static <T> T parse(final T command, final List<String> args)
    {
        final CommandLine commandLine = commandLine(command);
        try
        {
            commandLine.parseArgs(args.toArray(new String[0]));
        }
        catch (final CommandLine.ParameterException ex)
        {
            final List<String> suggestions = ex instanceof CommandLine.UnmatchedArgumentException unmatched ?
                unmatched.getSuggestions() : List.of();
            throw new IllegalArgumentException(ex.getMessage()
                + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
                + " (see '" + commandLine.getCommandName() + " --help')", ex);
        }
        if (commandLine.isUsageHelpRequested())
        {
            throw new HelpRequestedException(commandLine.getUsageMessage());
        }
        return command;
    }

    /**
     * The picocli command line of a command, laid out as every bench command's help is.
     *
     * @param command the {@code @Command} object.
     * @return the command line.
     */
    public static CommandLine commandLine(final Object command)
    {
        final CommandLine commandLine = new CommandLine(command);
        // Room for the long value labels (--transport=ipc|agrona|aeron|uds) beside their descriptions.
        commandLine.getCommandSpec().usageMessage().descriptionHeading("%n").optionListHeading("%nOptions:%n")
            .width(100).longOptionsMaxWidth(36);
        return commandLine;
    }

    /** {@code --help} was given: the message is the command's help text, for standard output and exit code 0. */
    public static final class HelpRequestedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param help the help text.
         */
        public HelpRequestedException(final String help)
        {
            super(help, null, false, false);
        }
    }

    /** A duration such as {@code 10s}, {@code 500ms}, {@code 1.5s}, {@code 2m} or {@code 300us}, in nanoseconds. */
    public static final class Duration implements ITypeConverter<Long>
    {
        /** Creates the converter (picocli does). */
        public Duration()
        {
        }

        @Override
        public Long convert(final String value)
        {
            try
            {
                return Args.parseDurationNs("value", value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a duration like 10s, 500ms or 300us");
            }
        }
    }

    /** A byte count such as {@code 32}, {@code 4k} or {@code 1m}. */
    public static final class Bytes implements ITypeConverter<Integer>
    {
        /** Creates the converter (picocli does). */
        public Bytes()
        {
        }

        @Override
        public Integer convert(final String value)
        {
            try
            {
                return Args.parseBytes("value", value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a byte count like 32 or 4k");
            }
        }
    }

    /** A whole number of at least 1. */
    public static final class PositiveInt implements ITypeConverter<Integer>
    {
        /** Creates the converter (picocli does). */
        public PositiveInt()
        {
        }

        @Override
        public Integer convert(final String value)
        {
            try
            {
                return Args.parsePositiveInt("value", value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + value + "' is not a positive whole number");
            }
        }
    }

    /** A traffic pattern of {@code bench run}: {@code oneway}, {@code pingpong} or {@code rr}. */
    public static final class ModeConverter implements ITypeConverter<Mode>
    {
        /** Creates the converter (picocli does). */
        public ModeConverter()
        {
        }

        @Override
        public Mode convert(final String value)
        {
            try
            {
                return Mode.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("must be oneway, pingpong or rr, but was '" + value + "'");
            }
        }
    }

    /** How waiting sides wait: {@code spin} or {@code block}. */
    public static final class IdleConverter implements ITypeConverter<Idle>
    {
        /** Creates the converter (picocli does). */
        public IdleConverter()
        {
        }

        @Override
        public Idle convert(final String value)
        {
            try
            {
                return Idle.parse(value);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("must be spin or block, but was '" + value + "'");
            }
        }
    }
}
