package io.ipcgateway.examples;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * The options the applications share, as picocli mixins ({@code @Mixin}), so that each is declared once with
 * one name, label and help text. {@code --service} comes in the two forms the commands need: required, or
 * with the quote example's default; a command whose {@code --service} means something else (a filter in
 * {@code ipc stat}) declares its own.
 * <p>
 * A mixin's options take the place of its field in the help text of a command with {@code sortOptions = false}.
 */
final class CommonOptions
{
    private CommonOptions()
    {
    }

    /** {@code -h, --help}: every command's usage help. */
    static final class Help
    {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /** {@code --dir DIR}: the base folder holding the service folders. */
    static final class Dir
    {
        @Option(names = "--dir", paramLabel = "DIR",
            description = "the base folder for service files (default: the transport's, under /dev/shm)")
        private Path dir;

        /** The base folder, or {@code null} for the transport's default. */
        Path dir()
        {
            return dir;
        }
    }

    /** {@code --service NAME}, required: for a command that serves or loads a service the user names. */
    static final class RequiredService
    {
        @Option(names = "--service", paramLabel = "NAME", required = true,
            converter = OptionValues.ServiceName.class,
            description = "the service name clients connect to (required)")
        private String service;

        /** The service name. */
        String service()
        {
            return service;
        }
    }

    /** {@code --service NAME}, by default the quote example's {@link QuoteProtocol#DEFAULT_SERVICE}. */
    static final class QuoteService
    {
        @Option(names = "--service", paramLabel = "NAME", defaultValue = QuoteProtocol.DEFAULT_SERVICE,
            converter = OptionValues.ServiceName.class, description = "the service name (default: ${DEFAULT-VALUE})")
        private String service;

        /** The service name. */
        String service()
        {
            return service;
        }
    }
}
