package io.ipcgateway.examples;

import io.ipcgateway.core.ConfigurationException;
import io.ipcgateway.core.IdleMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CommandRunnerTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A command with one option of each kind the applications use; its body is the test's. */
    @Command(name = "ipc test", description = "Tests.")
    static final class TestCommand implements Callable<Integer>
    {
        @Spec
        private CommandSpec spec;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1", converter = OptionValues.Size.class,
            description = "how many, 1 to 9")
        private long count;

        @Option(names = "--duration", paramLabel = "TIME", defaultValue = "2s", converter = OptionValues.Duration.class,
            description = "how long")
        private long durationNanos;

        @Option(names = "--idle", paramLabel = "spin|block", defaultValue = "block",
            converter = OptionValues.Idle.class, description = "how to wait")
        private IdleMode idle;

        @Option(names = "--service", paramLabel = "NAME", converter = OptionValues.ServiceName.class,
            description = "a service")
        private String service;

        @Option(names = "--verbose", description = "say more")
        private boolean verbose;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;

        private final Callable<Integer> body;

        TestCommand(final Callable<Integer> body)
        {
            this.body = body;
        }

        @Override
        public Integer call() throws Exception
        {
            OptionValues.inRange(spec, "--count", count, 1, 9);
            return body.call();
        }
    }

    @Test
    void shouldPrintHelpAndSucceedWithoutRunningTheBody()
    {
        final int code = run(() -> ExitCode.FAILED, "--help");

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(text(out)).startsWith("Usage: ipc test").contains("%nTests.%n%nOptions:%n".formatted())
            .contains("--count=N")
            .contains("how many, 1 to 9").contains("--help");
        assertThat(text(err)).isEmpty();
    }

    @Test
    void shouldExitWithUsageCodeAndNoStackTraceForAValueOutOfRange()
    {
        final int code = run(() -> ExitCode.OK, "--count", "12");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(text(err))
            .contains("ipc test: Invalid value for option '--count': must be a whole number from 1 to 9, but was 12")
            .contains("Run 'ipc test --help' to see the options.")
            .doesNotContain("\tat ");
    }

    @Test
    void shouldNameTheOptionAndTheValueThatIsNotANumber()
    {
        final int code = run(() -> ExitCode.OK, "--count", "many");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(text(err)).contains("Invalid value for option '--count': 'many' is not a whole number");
    }

    @Test
    void shouldNameTheValidChoicesForABadOne()
    {
        final int code = run(() -> ExitCode.OK, "--idle", "sleepy");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(text(err))
            .contains("Invalid value for option '--idle': must be one of spin|yield|backoff|block, but was 'sleepy'");
    }

    @Test
    void shouldRefuseADurationThatIsNotOne()
    {
        assertThat(run(() -> ExitCode.OK, "--duration", "soon")).isEqualTo(ExitCode.USAGE);
        assertThat(text(err)).contains("Invalid value for option '--duration': 'soon' is not a duration");
    }

    @Test
    void shouldRefuseAServiceNameTheTransportRefuses()
    {
        assertThat(run(() -> ExitCode.OK, "--service", "../etc")).isEqualTo(ExitCode.USAGE);
        assertThat(text(err)).contains("Invalid value for option '--service'").contains("../etc");
    }

    @Test
    void shouldSuggestTheNearestOptionForAnUnknownOne()
    {
        final int code = run(() -> ExitCode.OK, "--counts", "4");

        assertThat(code).isEqualTo(ExitCode.USAGE);
        assertThat(text(err)).contains("ipc test: Unknown option").contains("'--counts'")
            .contains("Possible solutions: --count")
            .contains("Run 'ipc test --help'");
    }

    @Test
    void shouldRefuseAMissingValueARepeatedOptionAStrayWordAndAValueForAFlag()
    {
        assertThat(run(() -> ExitCode.OK, "--count")).isEqualTo(ExitCode.USAGE);
        assertThat(run(() -> ExitCode.OK, "--count", "1", "--count", "2")).isEqualTo(ExitCode.USAGE);
        assertThat(run(() -> ExitCode.OK, "echo")).isEqualTo(ExitCode.USAGE);
        assertThat(run(() -> ExitCode.OK, "--verbose=yes")).isEqualTo(ExitCode.USAGE);

        assertThat(text(err))
            .contains("Missing required parameter for option '--count'")
            .contains("option '--count' (N) should be specified only once")
            .contains("Unmatched argument at index 0: 'echo'")
            .contains("'--verbose'");
    }

    @Test
    void shouldReadValuesGivenWithSpaceOrEqualsAndSuffixes()
    {
        final TestCommand command = new TestCommand(() -> ExitCode.OK);

        assertThat(CommandRunner.run(command, new String[] {"--count=4", "--duration", "250ms", "--idle", "SPIN",
            "--verbose"}, print(out), print(err))).isEqualTo(ExitCode.OK);
        assertThat(command.count).isEqualTo(4);
        assertThat(command.durationNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(command.idle).isEqualTo(IdleMode.SPIN);
        assertThat(command.verbose).isTrue();

        final TestCommand bare = new TestCommand(() -> ExitCode.OK);
        CommandRunner.run(bare, new String[] {"--duration", "3"}, print(out), print(err));
        assertThat(bare.durationNanos).as("a bare number is seconds").isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(new OptionValues.Size().convert("4k")).isEqualTo(4096L);
    }

    @Test
    void shouldReportAnIpcFailureInOneLine()
    {
        final int code = run(() ->
        {
            throw new ConfigurationException("invalid setting: ipc.x='y'");
        });

        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(text(err)).isEqualTo("ipc test: invalid setting: ipc.x='y'" + System.lineSeparator());
    }

    @Test
    void shouldShowTheTraceOfAnUnexpectedFailure()
    {
        final int code = run(() ->
        {
            throw new IllegalStateException("bug");
        });

        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(text(err)).contains("unexpected failure").contains("IllegalStateException: bug").contains("\tat ");
    }

    @Test
    void shouldReturnTheBodysExitCode()
    {
        assertThat(run(() -> 3, "--count", "3")).isEqualTo(3);
    }

    private int run(final Callable<Integer> body, final String... args)
    {
        return CommandRunner.run(new TestCommand(body), args, print(out), print(err));
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
