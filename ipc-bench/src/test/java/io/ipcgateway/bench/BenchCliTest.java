package io.ipcgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ipcgateway.bench.audit.AuditBench;
import io.ipcgateway.bench.load.ChildRoleCommand;
import io.ipcgateway.bench.load.RunCommand;
import io.ipcgateway.bench.mixed.MixedJdkSpec;
import io.ipcgateway.bench.nats.NatsDirectRun;
import io.ipcgateway.bench.paired.PairedSpec;
import io.ipcgateway.bench.report.Compare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code bin/ipc bench} command answers {@code --help} with its options and their descriptions, and a bad
 * option with picocli's message naming it; {@link BenchMain} turns those into exit codes 0 and 2.
 */
class BenchCliTest
{
    /** A command's entry point, as {@link BenchMain} calls it. */
    @FunctionalInterface
    interface Entry
    {
        void run(List<String> args) throws Exception;
    }

    static Stream<Arguments> commands()
    {
        return Stream.of(
            Arguments.of("run", (Entry)(args) -> BenchCli.parse(new RunCommand(), args), List.of("--transport",
                "--mode", "--size", "--clients", "--client-jvms", "--duration", "--warmup", "--idle", "--interval",
                "--idle-window", "--json", "--pin")),
            Arguments.of("compare", (Entry)Compare::main, List.of("--quick", "--repeat", "--transports",
                "--workloads", "--json", "--plot", "--markdown", "--duration", "--warmup", "--pin")),
            Arguments.of("report", (Entry)Compare::report, List.of("--json", "--plot", "--markdown")),
            Arguments.of("paired", (Entry)PairedSpec::parse, List.of("--transports", "--mode", "--size", "--rounds",
                "--warmup-rounds", "--phase")),
            Arguments.of("audit", (Entry)AuditBench::main, List.of("--quick", "--only")),
            Arguments.of("mixed-jdk", (Entry)MixedJdkSpec::parse, List.of("--old-jdk", "--new-jdk", "--size",
                "--duration", "--warmup", "--repeat")),
            Arguments.of("nats-direct", (Entry)NatsDirectRun::main, List.of("--clients", "--connections", "--size",
                "--seconds", "--warmup", "--url")),
            Arguments.of("child-server|child-client", (Entry)(args) -> BenchCli.parse(new ChildRoleCommand(), args),
                List.of("--dir", "--first", "--count", "--transport")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldAnswerHelpWithEveryOptionDescribed(final String command, final Entry entry, final List<String> options)
    {
        final List<String> args = new ArrayList<>(List.of("--help"));

        assertThatThrownBy(() -> entry.run(args))
            .isInstanceOf(BenchCli.HelpRequestedException.class)
            .satisfies((ex) ->
            {
                final String help = ex.getMessage();
                assertThat(help).startsWith("Usage: ipc bench " + command + " ").contains("%nOptions:%n".formatted())
                    .contains("-h, --help");
                for (final String option : options)
                {
                    assertThat(help.lines()).as(option)
                        .anyMatch((line) -> line.matches("\\s*" + option + "\\S*\\s{2,}\\S.*"));
                }
            });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void shouldNameAnUnknownOptionAndPointToHelp(final String command, final Entry entry, final List<String> options)
    {
        // With the required options given, so the unknown one is what is wrong.
        final List<String> args = new ArrayList<>(List.of("--bogus"));
        if (options.contains("--first"))
        {
            args.addAll(List.of("--dir", "/nonexistent"));
        }
        else if (command.equals("report"))
        {
            args.addAll(List.of("--json", "/nonexistent.json"));
        }
        assertThatThrownBy(() -> entry.run(args))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Unknown option: '--bogus'")
            .hasMessageEndingWith("(see 'ipc bench " + command + " --help')");
    }

    @Test
    void shouldNameTheOptionOfABadValueAndSuggestANearName()
    {
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--size", "big")))
            .hasMessageStartingWith("Invalid value for option '--size': 'big' is not a byte count like 32 or 4k");
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--duration", "soon")))
            .hasMessageStartingWith("Invalid value for option '--duration': 'soon' is not a duration");
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--mode", "burst")))
            .hasMessageStartingWith("Invalid value for option '--mode': must be oneway, pingpong or rr");
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--clients", "0")))
            .hasMessageStartingWith("Invalid value for option '--clients': '0' is not a positive whole number");
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--transports", "ipc")))
            .hasMessageContaining("did you mean --transport?");
        assertThatThrownBy(() -> BenchCli.parse(new RunCommand(), List.of("--json")))
            .hasMessageStartingWith("Missing required parameter for option '--json'");
    }

    @Test
    void shouldReadEveryRunOption()
    {
        final RunCommand command = BenchCli.parse(new RunCommand(), List.of("--transport", "uds", "--mode", "rr",
            "--size", "4k", "--clients", "8", "--client-jvms", "2", "--duration", "1.5s", "--warmup", "250ms",
            "--idle", "block", "--interval", "100us", "--idle-window", "1s", "--json", "out.json", "--pin", "0/1"));

        assertThat(command.spec()).isEqualTo(new io.ipcgateway.bench.load.RunSpec("rr-4096B-8c-block", "uds",
            io.ipcgateway.bench.load.Mode.RR, 4096, 8, 2, 250_000_000L, 1_500_000_000L,
            io.ipcgateway.bench.transport.Idle.BLOCK, 100_000L, 1_000_000_000L));
        assertThat(command.json()).isEqualTo(Path.of("out.json"));
        assertThat(command.pinning().describe()).contains("0").contains("1");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldExitZeroForHelpAndTwoForABadOption() throws Exception
    {
        final Run help = bench("run", "--help");
        assertThat(help.code).as(help.output).isZero();
        assertThat(help.output).startsWith("Usage: ipc bench run ").contains("--transport");

        final Run top = bench("--help");
        assertThat(top.code).as(top.output).isZero();
        assertThat(top.output).contains("nats-direct").contains("Each command takes --help");

        final Run bad = bench("paired", "--rounds", "many");
        assertThat(bad.code).as(bad.output).isEqualTo(2);
        assertThat(bad.output).startsWith("ipc bench: Invalid value for option '--rounds': 'many'")
            .contains("(see 'ipc bench paired --help')").doesNotContain("\tat ");
    }

    private record Run(int code, String output)
    {
    }

    private static Run bench(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), BenchMain.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return new Run(process.exitValue(), output);
    }
}
