package io.ipcgateway.bench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.report.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The options of {@code bench gate}, parsed here by picocli ({@link BenchCli#parse}) and nowhere else so that the
 * command's argument handling stays in one place.
 *
 * @param workloads  the gate workloads to run, in order.
 * @param warmupNs   warm-up of each run.
 * @param durationNs measured time of each run.
 * @param margins    the margins.
 * @param attempts   how many times a workload is run before it fails the gate: it passes when one attempt is within
 *                   every margin.
 * @param budgetNs   no attempt after the first is started when it would end after this long from the gate's start
 *                   (judged by the workload's previous attempt), so a noisy machine cannot stretch the gate.
 */
public record GateOptions(List<Workload> workloads, long warmupNs, long durationNs, GateMargins margins,
    int attempts, long budgetNs)
{
    /** Default of {@link #budgetNs()}: CI's gate must end within 3 minutes on 2 cores. */
    public static final long DEFAULT_BUDGET_NS = TimeUnit.SECONDS.toNanos(150);
    /** Default of {@link #attempts()}: a regression fails all three, a burst of other work rarely all three. */
    public static final int DEFAULT_ATTEMPTS = 3;
    /** Default warm-up of each run. */
    public static final long DEFAULT_WARMUP_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Default measured time of each run. */
    public static final long DEFAULT_DURATION_NS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Parse the command line of {@code bench gate}.
     *
     * @param args the options.
     * @return the options.
     * @throws IllegalArgumentException naming the option when one is unknown, lacks a value or is out of range.
     * @throws io.ipcgateway.bench.BenchCli.HelpRequestedException when {@code --help} was given.
     */
    public static GateOptions parse(final List<String> args)
    {
        final Options options = BenchCli.parse(new Options(), args);
        final List<Workload> workloads;
        if (options.workloads == null)
        {
            workloads = Gate.WORKLOADS.stream().map(GateOptions::workload).toList();
        }
        else
        {
            final List<Workload> chosen = new ArrayList<>();
            for (final String name : options.workloads.split(","))
            {
                chosen.add(workload(name));
            }
            workloads = List.copyOf(chosen);
        }
        if (options.durationNs <= 0)
        {
            throw new IllegalArgumentException("--duration must be positive");
        }
        return new GateOptions(workloads, options.warmupNs, options.durationNs,
            new GateMargins(options.minOneWay, options.minRr, options.minFairness, options.maxBlocking),
            options.attempts, options.budgetNs);
    }

    /** The options of {@code bench gate}. */
    @Command(name = "ipc bench gate", sortOptions = false, description = {"The performance gate of CI: ours (ipc)"
        + " against Unix sockets (uds) in the same run, over a few short workloads, each figure held to a generous"
        + " margin. Prints a table; exits 1 naming every workload below its margin in all its attempts, 0 when all"
        + " pass.", "", "To prove the gate fails, the system property ipc.bench.injectDelayNanos=N delays every message"
        + " in the harness's handler of ipc by N ns, e.g.:",
        "  IPC_JAVA_OPTS=-Dipc.bench.injectDelayNanos=200000 bin/ipc bench gate"})
    static final class Options
    {
        @Option(names = "--workloads", paramLabel = "a,b", description = "a subset of "
            + Gate.ONE_WAY + "," + Gate.RR + "," + Gate.BLOCKING + " (default: all)")
        private String workloads;

        @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "500ms", converter = BenchCli.Duration.class,
            description = "warm-up of each run (default: ${DEFAULT-VALUE})")
        private long warmupNs;

        @Option(names = "--duration", paramLabel = "TIME", defaultValue = "2s", converter = BenchCli.Duration.class,
            description = "measured time of each run (default: ${DEFAULT-VALUE})")
        private long durationNs;

        @Option(names = "--min-oneway-ratio", paramLabel = "X", converter = BenchCli.Number.class,
            defaultValue = "" + GateMargins.DEFAULT_MIN_ONE_WAY_RATIO,
            description = Gate.ONE_WAY + " msgs/s at least X times uds (default: ${DEFAULT-VALUE})")
        private double minOneWay;

        @Option(names = "--min-rr-ratio", paramLabel = "X", converter = BenchCli.Number.class,
            defaultValue = "" + GateMargins.DEFAULT_MIN_RR_RATIO,
            description = Gate.RR + " msgs/s at least X times uds (default: ${DEFAULT-VALUE})")
        private double minRr;

        @Option(names = "--min-rr-fairness", paramLabel = "F", converter = BenchCli.Number.class,
            defaultValue = "" + GateMargins.DEFAULT_MIN_RR_FAIRNESS,
            description = Gate.RR + " fairness of ours at least F, in [0, 1] (default: ${DEFAULT-VALUE}; the target is "
                + GateMargins.TARGET_MIN_RR_FAIRNESS + ")")
        private double minFairness;

        @Option(names = "--max-block-p50-ratio", paramLabel = "X", converter = BenchCli.Number.class,
            defaultValue = "" + GateMargins.DEFAULT_MAX_BLOCKING_P50_RATIO,
            description = Gate.BLOCKING + " p50 at most X times uds (default: ${DEFAULT-VALUE})")
        private double maxBlocking;

        @Option(names = "--attempts", paramLabel = "N", defaultValue = "" + DEFAULT_ATTEMPTS,
            converter = BenchCli.PositiveInt.class, description = "runs of a workload before it fails the gate; one"
                + " within every margin passes it (default: ${DEFAULT-VALUE}; 1 = fail at once)")
        private int attempts;

        @Option(names = "--budget", paramLabel = "TIME", defaultValue = "150s", converter = BenchCli.Duration.class,
            description = "start no further attempt that would end later than this after the start (default:"
                + " ${DEFAULT-VALUE})")
        private long budgetNs;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    private static Workload workload(final String name)
    {
        if (!Gate.WORKLOADS.contains(name))
        {
            throw new IllegalArgumentException("--workloads: unknown gate workload " + name + ", known: " +
                Gate.WORKLOADS);
        }
        return Workload.STANDARD.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }
}
