package io.ipcgateway.bench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.bench.load.Args;
import io.ipcgateway.bench.report.Workload;

/**
 * The options of {@code bench gate}, parsed here and nowhere else so that the command's argument handling stays in
 * one place.
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

    /** The text of {@code bench gate --help}. */
    public static final String USAGE = String.format(Locale.ROOT, """
        Usage: ipc bench gate [options]

        The performance gate of CI: ours (ipc) against Unix sockets (uds) in the same run, over a few short
        workloads, each figure held to a generous margin. Prints a table; exits 1 naming every workload below
        its margin in all its attempts, 0 when all pass.

        Options:
          --workloads a,b            subset of %s (default all)
          --warmup 500ms             warm-up of each run
          --duration 2s              measured time of each run
          --min-oneway-ratio X       oneway-32B-1p msgs/s at least X times uds (default %s)
          --min-rr-ratio X           rr-32c msgs/s at least X times uds (default %s)
          --min-rr-fairness F        rr-32c fairness of ours at least F (default %s; the target is %s)
          --max-block-p50-ratio X    pingpong-block p50 at most X times uds (default %s)
          --attempts N               runs of a workload before it fails the gate; one within every margin
                                     passes it (default %d; 1 = fail at once)
          --budget 150s              start no further attempt that would end later than this after the start

        System property ipc.bench.injectDelayNanos=N (e.g. IPC_JAVA_OPTS=-Dipc.bench.injectDelayNanos=200000)
        delays every message in the harness's handler of ipc by N ns: a regression to prove the gate fails.
        """, Gate.WORKLOADS, GateMargins.DEFAULT_MIN_ONE_WAY_RATIO, GateMargins.DEFAULT_MIN_RR_RATIO,
        GateMargins.DEFAULT_MIN_RR_FAIRNESS, GateMargins.TARGET_MIN_RR_FAIRNESS,
        GateMargins.DEFAULT_MAX_BLOCKING_P50_RATIO, DEFAULT_ATTEMPTS);

    /**
     * Parse the command line of {@code bench gate}.
     *
     * @param args the options.
     * @return the options.
     * @throws IllegalArgumentException naming the option when one is unknown, lacks a value or is out of range.
     */
    public static GateOptions parse(final List<String> args)
    {
        List<Workload> workloads = Gate.WORKLOADS.stream().map(GateOptions::workload).toList();
        long warmupNs = DEFAULT_WARMUP_NS;
        long durationNs = DEFAULT_DURATION_NS;
        double minOneWay = GateMargins.DEFAULT_MIN_ONE_WAY_RATIO;
        double minRr = GateMargins.DEFAULT_MIN_RR_RATIO;
        double minFairness = GateMargins.DEFAULT_MIN_RR_FAIRNESS;
        double maxBlocking = GateMargins.DEFAULT_MAX_BLOCKING_P50_RATIO;
        int attempts = DEFAULT_ATTEMPTS;
        long budgetNs = DEFAULT_BUDGET_NS;
        for (int i = 0; i < args.size(); i++)
        {
            final String option = args.get(i);
            if (i + 1 >= args.size())
            {
                throw new IllegalArgumentException(known(option) + " needs a value");
            }
            final String value = args.get(++i);
            switch (option)
            {
                case "--workloads" ->
                {
                    final List<Workload> chosen = new ArrayList<>();
                    for (final String name : value.split(","))
                    {
                        chosen.add(workload(name));
                    }
                    workloads = List.copyOf(chosen);
                }
                case "--warmup" -> warmupNs = Args.parseDurationNs(option, value);
                case "--duration" -> durationNs = Args.parseDurationNs(option, value);
                case "--min-oneway-ratio" -> minOneWay = number(option, value);
                case "--min-rr-ratio" -> minRr = number(option, value);
                case "--min-rr-fairness" -> minFairness = number(option, value);
                case "--max-block-p50-ratio" -> maxBlocking = number(option, value);
                case "--attempts" -> attempts = Args.parsePositiveInt(option, value);
                case "--budget" -> budgetNs = Args.parseDurationNs(option, value);
                default -> throw new IllegalArgumentException(known(option));
            }
        }
        if (durationNs <= 0)
        {
            throw new IllegalArgumentException("--duration must be positive");
        }
        return new GateOptions(workloads, warmupNs, durationNs,
            new GateMargins(minOneWay, minRr, minFairness, maxBlocking), attempts, budgetNs);
    }

    private static String known(final String option)
    {
        return option.startsWith("--") && USAGE.contains(option + " ") ? option :
            "unknown option of bench gate: " + option + " (see bench gate --help)";
    }

    private static double number(final String option, final String value)
    {
        try
        {
            return Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " must be a number, but was " + value, ex);
        }
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
