package io.ipcgateway.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code bin/ipc} command of this module answers {@code --help} with its options and their descriptions
 * (exit 0, nothing run), and a bad option with picocli's error naming it and exit code 2.
 */
class CommandHelpTest
{
    /** A command's static entry that runs without exiting the JVM. */
    @FunctionalInterface
    interface Entry
    {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static Stream<Arguments> commands()
    {
        return Stream.of(
            Arguments.of("ipc demo", (Entry)DemoMain::run,
                List.of("--dir", "--clients", "--size", "--duration", "--idle", "--help")),
            Arguments.of("ipc server", (Entry)(args, out, err) -> EchoServerMain.run(args, out, err,
                new CountDownLatch(0)), List.of("--service", "--dir", "--idle", "--metrics-port", "--help")),
            Arguments.of("ipc client", (Entry)LoadClientMain::run, List.of("--service", "--dir", "--clients",
                "--messages", "--duration", "--size", "--mode", "--idle", "--timeout", "--json", "--help")),
            Arguments.of("ipc stat", (Entry)StatMain::run,
                List.of("--dir", "--service", "--interval", "--once", "--help")),
            Arguments.of("ipc quote-server", (Entry)QuoteServerMain::run,
                List.of("--service", "--dir", "--tick-ms", "--help")),
            Arguments.of("ipc quote-client", (Entry)QuoteClientMain::run,
                List.of("--service", "--dir", "--duration-ms", "--interval-ms", "--help")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldPrintHelpWithEveryOptionAndExitZero(final String command, final Entry entry, final List<String> options)
    {
        final Result result = run(entry, "--help");

        assertThat(result.code).isEqualTo(ExitCode.OK);
        assertThat(result.err).isEmpty();
        assertThat(result.out).startsWith("Usage: " + command + " ");
        for (final String option : options)
        {
            // The option's line in the list carries a description after its name.
            assertThat(result.out.lines()).as(option)
                .anyMatch((line) -> line.matches("\\s*(-\\w, )?" + option + "\\S*\\s{2,}\\S.*"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldNameAnUnknownOptionAndExitWithUsage(final String command, final Entry entry, final List<String> options)
    {
        // With the one required option given, so the unknown one is what is wrong.
        final Result result = List.of("ipc server", "ipc client").contains(command) ?
            run(entry, "--service", "echo", "--bogus", "1") : run(entry, "--bogus", "1");

        assertThat(result.code).isEqualTo(ExitCode.USAGE);
        assertThat(result.out).isEmpty();
        assertThat(result.err)
            .startsWith(command + ": Unknown option")
            .contains("'--bogus'")
            .contains("Run '" + command + " --help' to see the options.")
            .doesNotContain("\tat ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldNameAnOptionMissingItsValueAndExitWithUsage(final String command, final Entry entry,
        final List<String> options)
    {
        final Result result = run(entry, "--dir");

        assertThat(result.code).isEqualTo(ExitCode.USAGE);
        assertThat(result.err).startsWith(command + ": Missing required parameter for option '--dir'");
    }

    private static Result run(final Entry entry, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = entry.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err)
    {
    }
}
