package io.ipcgateway.examples;

import io.ipcgateway.core.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandRunnerTest
{
    private static final List<Option> OPTIONS = List.of(Option.valued("count", "N", "how many"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldPrintHelpAndSucceedWithoutRunningTheBody()
    {
        final int code = run(new String[] {"--help"}, (commandLine) -> ExitCode.FAILED);

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(text(out)).contains("Usage: ipc test [options]").contains("--count N");
    }

    @Test
    void shouldExitWithUsageCodeAndNoStackTraceForABadArgument()
    {
        final int code = run(new String[] {"--count", "x"},
            (commandLine) -> commandLine.intInRange("count", 1, 1, 9));

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(text(err))
            .contains("ipc test: option --count must be a whole number from 1 to 9, but was 'x'")
            .contains("Run 'ipc test --help'")
            .doesNotContain("\tat ");
    }

    @Test
    void shouldReportAnIpcFailureInOneLine()
    {
        final int code = run(new String[0], (commandLine) ->
        {
            throw new ConfigurationException("invalid setting: ipc.x='y'");
        });

        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(text(err)).isEqualTo("ipc test: invalid setting: ipc.x='y'" + System.lineSeparator());
    }

    @Test
    void shouldShowTheTraceOfAnUnexpectedFailure()
    {
        final int code = run(new String[0], (commandLine) ->
        {
            throw new IllegalStateException("bug");
        });

        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(text(err)).contains("unexpected failure").contains("IllegalStateException: bug").contains("\tat ");
    }

    @Test
    void shouldReturnTheBodysExitCode()
    {
        assertThat(run(new String[] {"--count", "3"}, (commandLine) -> commandLine.intInRange("count", 1, 1, 9)))
            .isEqualTo(3);
    }

    private int run(final String[] args, final CommandRunner.Body body)
    {
        return CommandRunner.run("ipc test", "Tests.", OPTIONS, args, print(out), print(err), body);
    }

    private static PrintStream print(final ByteArrayOutputStream bytes)
    {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(final ByteArrayOutputStream bytes)
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
