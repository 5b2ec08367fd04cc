package io.ipcgateway.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.ipcgateway.bench.audit.AuditBench;
import io.ipcgateway.bench.breaker.BreakerPropagationBench;
import io.ipcgateway.bench.gate.Gate;
import io.ipcgateway.bench.gateway.GatewayBench;
import io.ipcgateway.bench.load.ChildRoleCommand;
import io.ipcgateway.bench.load.ClientRole;
import io.ipcgateway.bench.load.CpuPinning;
import io.ipcgateway.bench.load.LoadRun;
import io.ipcgateway.bench.load.RunCommand;
import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.load.RunSpec;
import io.ipcgateway.bench.load.ServerRole;
import io.ipcgateway.bench.mixed.MixedJdkRun;
import io.ipcgateway.bench.mixed.MixedJdkSpec;
import io.ipcgateway.bench.nats.NatsDirectRun;
import io.ipcgateway.bench.nats.NatsResponderRole;
import io.ipcgateway.bench.paired.PairedRun;
import io.ipcgateway.bench.paired.PairedSpec;
import io.ipcgateway.bench.report.Compare;
import io.ipcgateway.bench.report.ResultJson;
import io.ipcgateway.bench.report.ResultTable;

/**
 * Entry point of {@code bin/ipc bench}: {@code run} one load run, {@code compare} every transport over the
 * standard workloads, {@code mixed-jdk} server and client on different JDKs, {@code nats-direct} jnats
 * request/reply without a gateway, {@code jmh} the JMH suite; {@code child-server}, {@code child-client} and
 * {@code child-nats-responder} are the roles of the JVMs the harness starts.
 */
public final class BenchMain
{
    private static final String USAGE = """
        Usage: ipc bench <command> [options]

        Commands:
          run       one load run of one transport; server and clients are separate JVMs
          compare   every transport over the standard workloads, interleaved, with ratios to ours
          gate      the performance gate of CI: ours against Unix sockets, fails naming a workload below its
                    margin (bench gate --help)
          report    print a saved compare --json again: --json FILE [--plot FILE.svg] [--markdown FILE.md]
          paired    two or more transports in one JVM taking turns in short phases, so each round compares
                    them under the same machine state; prints per-round ratios to the first transport
          audit     the audit log beside a plain FileChannel writer and Chronicle Queue (JMH), with the
                    ratios against issue 14's targets (bench audit --help)
          mixed-jdk blocking request/response with server and client on different JDKs (both directions)
                    and on the same JDK; prints the rates, the negotiated notifiers and the ratios
          jmh       the JMH suite (arguments go to org.openjdk.jmh.Main, e.g. jmh -prof gc RingBenchmark)
          nats-direct  client threads doing synchronous jnats requests to an echoing responder JVM through a
                    nats-server: what local processes get without a gateway
          breaker-propagation  one JVM trips a shared circuit breaker, poller JVMs spin on
                    tryAcquirePermission(): p50/p99/max delay until they see OPEN (bench breaker-propagation --help)
          gateway   32 clients through the gateway beside the same clients on jnats directly (a connection each,
                    one shared), and the gateway's local leg at 100k req/s offered (bench gateway --help)

        Each command takes --help for its options, e.g. ipc bench run --help.
        """;

    private BenchMain()
    {
    }

    /**
     * Run a command.
     *
     * @param args the command and its options.
     * @throws Exception when the command fails; children are stopped and files deleted first.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0]) || "help".equals(args[0]))
        {
            System.out.print(USAGE);
            return;
        }
        final List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try
        {
            switch (args[0])
            {
                case "run" -> run(rest);
                case "compare" -> Compare.main(rest);
                case "report" -> Compare.report(rest);
                case "gate" -> System.exit(Gate.main(rest));
                case "paired" -> paired(rest);
                case "audit" -> AuditBench.main(rest);
                case "mixed-jdk" -> mixedJdk(rest);
                case "jmh" -> org.openjdk.jmh.Main.main(rest.toArray(new String[0]));
                case "nats-direct" -> NatsDirectRun.main(rest);
                case "gateway" -> GatewayBench.main(rest);
                case "breaker-propagation" -> BreakerPropagationBench.main(rest);
                case BreakerPropagationBench.POLLER_ROLE -> BreakerPropagationBench.poller(rest, System.out);
                case "child-nats-responder" -> childNatsResponder(rest);
                case "child-server" -> childServer(rest);
                case "child-client" -> childClient(rest);
                default ->
                {
                    System.err.println("unknown command: " + args[0]);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        }
        catch (final BenchCli.HelpRequestedException help)
        {
            System.out.print(help.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("ipc bench: " + ex.getMessage());
            System.exit(2);
        }
    }

    private static void run(final List<String> args) throws Exception
    {
        final RunCommand command = BenchCli.parse(new RunCommand(), args);
        final RunSpec spec = command.spec();
        final Path json = command.json();
        final CpuPinning pinning = command.pinning();
        System.err.printf("running %s: transport=%s mode=%s size=%d clients=%d idle=%s warm-up %.1f s, %.1f s, %s%n",
            spec.workload(), spec.transport(), spec.mode().label(), spec.size(), spec.clients(), spec.idle().label(),
            spec.warmupNs() / 1e9, spec.durationNs() / 1e9, pinning.describe());
        final RunResult result = LoadRun.execute(spec, pinning, System.err::println);
        final List<RunResult> results = List.of(result);
        System.out.print(ResultTable.format(results));
        if (result.perClient().size() > 1)
        {
            System.out.println(perClientSummary(result.perClient()));
        }
        if (json != null)
        {
            Files.writeString(json, ResultJson.write(results, 1), StandardCharsets.UTF_8);
        }
    }

    private static void paired(final List<String> args) throws Exception
    {
        final PairedSpec spec = PairedSpec.parse(args);
        System.err.printf("paired %s: %s, %d B, %d + %d rounds of %d ms per transport, one JVM%n", spec.modeLabel(),
            spec.transports(), spec.size(), spec.warmupRounds(), spec.rounds(), spec.phaseNs() / 1_000_000);
        System.out.print(PairedRun.execute(spec, System.err::println).format());
    }

    private static void mixedJdk(final List<String> args) throws Exception
    {
        final MixedJdkSpec spec = MixedJdkSpec.parse(args);
        System.out.print(MixedJdkRun.format(spec, MixedJdkRun.execute(spec, System.err::println)));
    }

    /**
     * One line on how evenly the clients were served.
     *
     * @param perClient completions of each client.
     * @return e.g. {@code per client: min 1200 (client 7), median 1500, max 1800 (client 3)}.
     */
    static String perClientSummary(final List<Long> perClient)
    {
        final List<Long> sorted = perClient.stream().sorted().toList();
        return String.format("per client (%s): min %d (client %d), median %d, max %d (client %d)",
            "completions in the window", sorted.get(0), perClient.indexOf(sorted.get(0)),
            sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
            perClient.indexOf(sorted.get(sorted.size() - 1)));
    }

    private static void childServer(final List<String> args) throws Exception
    {
        final ChildRoleCommand command = BenchCli.parse(new ChildRoleCommand(), args);
        final RunSpec spec = command.spec();
        final Path dir = command.dir();
        final PrintStream out = System.out;
        exitAfter(() -> ServerRole.run(spec, dir, out));
    }

    private static void childClient(final List<String> args) throws Exception
    {
        final ChildRoleCommand command = BenchCli.parse(new ChildRoleCommand(), args);
        final RunSpec spec = command.spec();
        final Path dir = command.dir();
        final int first = command.first();
        final int count = command.count();
        final PrintStream out = System.out;
        exitAfter(() -> ClientRole.run(spec, dir, first, count, out));
    }

    private static void childNatsResponder(final List<String> args)
    {
        final NatsResponderRole.RoleOptions options = BenchCli.parse(new NatsResponderRole.RoleOptions(), args);
        final String url = options.url();
        final String subject = options.subject();
        final PrintStream out = System.out;
        exitAfter(() -> NatsResponderRole.run(url, subject, out));
    }

    /** A child JVM ends when its role ends, even when a stuck non-daemon thread of a library is left. */
    private static void exitAfter(final Role role)
    {
        int status = 0;
        try
        {
            role.run();
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            // Last, on one line: the orchestrator quotes a child's last lines of standard error in its error.
            System.err.println("child failed: " + ex);
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    /** The body of a child role. */
    @FunctionalInterface
    private interface Role
    {
        void run() throws Exception;
    }
}
