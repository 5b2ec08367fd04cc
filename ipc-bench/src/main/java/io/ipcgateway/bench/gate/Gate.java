package io.ipcgateway.bench.gate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ipcgateway.bench.load.LoadRun;
import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.report.Workload;
import io.ipcgateway.bench.transport.InjectedDelay;

/**
 * {@code bench gate}, the performance gate of CI: ours ({@code ipc}) against Unix sockets ({@code uds}) run one
 * after the other on the same machine, over three short workloads, each figure held to a generous
 * {@linkplain GateMargins margin}. Sockets are the yardstick because they move with the machine: a slow or busy CI
 * host slows both, so the ratio stays meaningful where an absolute figure would not.
 * <p>
 * A workload below a margin is run again, up to {@link GateOptions#attempts()} times in all (after every workload's
 * first attempt, and within {@link GateOptions#budgetNs()}), and fails the gate only when every attempt fails: a
 * run hit by a burst of other work must not fail a build, while a real regression fails them all. A passing gate
 * therefore costs one attempt per workload.
 */
public final class Gate
{
    /** One-way 32 B, one producer. */
    public static final String ONE_WAY = "oneway-32B-1p";
    /** 32 clients in closed-loop request/response, blocking waits. */
    public static final String RR = "rr-32c";
    /** Blocking ping-pong, one ping every 300 us. */
    public static final String BLOCKING = "pingpong-block";
    /** The gate's workloads, in the order it runs them. */
    public static final List<String> WORKLOADS = List.of(ONE_WAY, RR, BLOCKING);
    private static final String OURS = "ipc";
    private static final String SOCKETS = "uds";

    private Gate()
    {
    }

    /**
     * Run the gate.
     *
     * @param args options (see {@code bin/ipc bench gate --help}).
     * @return the exit code: 0 when every figure is within its margin, 1 when one is not.
     * @throws IllegalArgumentException naming the option when the command line is wrong.
     * @throws io.ipcgateway.bench.BenchCli.HelpRequestedException when {@code --help} was given.
     * @throws Exception when the harness itself fails (a failed run is a failed check, not an exception).
     */
    public static int main(final List<String> args) throws Exception
    {
        final GateOptions options = GateOptions.parse(args);
        final GateMargins margins = options.margins();
        System.out.printf(Locale.ROOT, "perf gate: ipc against uds, %s, warm-up %.1f s + %.1f s per run%s%n",
            options.workloads().stream().map(Workload::name).toList(), options.warmupNs() / 1e9,
            options.durationNs() / 1e9, InjectedDelay.NANOS > 0 ?
                ", INJECTED DELAY of " + InjectedDelay.NANOS + " ns per ipc message" : "");
        if (margins.minRrFairness() < GateMargins.TARGET_MIN_RR_FAIRNESS)
        {
            System.out.printf(Locale.ROOT, "note: rr-32c fairness margin %.2f is below the target %.2f (set from "
                + "what the current code achieves; raise it with --min-rr-fairness once fair waiting is in)%n",
                margins.minRrFairness(), GateMargins.TARGET_MIN_RR_FAIRNESS);
        }
        final long startNs = System.nanoTime();
        // Every workload's first attempt, then the failed ones again, round by round: a retry comes after the
        // other workloads' runs, when the machine may be in another state, and never at the cost of a first attempt.
        final Map<Workload, List<GateCheck>> results = new LinkedHashMap<>();
        final Map<Workload, Long> lastAttemptNs = new HashMap<>();
        for (final Workload workload : options.workloads())
        {
            final long attemptStartNs = System.nanoTime();
            results.put(workload, run(workload, options));
            lastAttemptNs.put(workload, System.nanoTime() - attemptStartNs);
        }
        for (int attempt = 2; attempt <= options.attempts(); attempt++)
        {
            for (final Workload workload : options.workloads())
            {
                if (passed(results.get(workload)))
                {
                    continue;
                }
                System.out.print(GateCheck.table(results.get(workload)));
                final long now = System.nanoTime();
                if (now + lastAttemptNs.get(workload) - startNs > options.budgetNs())
                {
                    System.out.printf(Locale.ROOT, "%s below its margin; no time left for attempt %d%n",
                        workload.name(), attempt);
                    continue;
                }
                System.out.printf(Locale.ROOT, "%s below its margin, attempt %d of %d%n", workload.name(), attempt,
                    options.attempts());
                results.put(workload, run(workload, options));
                lastAttemptNs.put(workload, System.nanoTime() - now);
            }
        }
        final List<GateCheck> checks = new ArrayList<>();
        results.values().forEach(checks::addAll);
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.println();
        System.out.print(GateCheck.table(checks));
        final List<String> failed = checks.stream().filter(check -> !check.passed())
            .map(check -> check.workload() + " (" + check.figure() + ")").distinct().toList();
        if (failed.isEmpty())
        {
            System.out.printf(Locale.ROOT, "perf gate PASSED in %.0f s%n", seconds);
            return 0;
        }
        System.out.printf(Locale.ROOT, "perf gate FAILED in %.0f s: %s below margin%n", seconds,
            String.join(", ", failed));
        return 1;
    }

    private static boolean passed(final List<GateCheck> checks)
    {
        return checks.stream().allMatch(GateCheck::passed);
    }

    private static List<GateCheck> run(final Workload workload, final GateOptions options)
    {
        final RunResult uds = runOne(workload, SOCKETS, options);
        final RunResult ours = runOne(workload, OURS, options);
        return GateCheck.evaluate(workload.name(), ours, uds, options.margins());
    }

    private static RunResult runOne(final Workload workload, final String transport, final GateOptions options)
    {
        System.err.printf("gate: %-15s %-4s (%s)%n", workload.name(), transport, workload.describe());
        try
        {
            // No idle-CPU window: the gate does not check it, and it would only lengthen the run.
            final RunResult result = LoadRun.execute(
                workload.spec(transport, options.warmupNs(), options.durationNs(), 0), System.err::println);
            System.err.printf(Locale.ROOT, "      %.0f msgs/s, p50 %.2f us, fairness %.2f%n", result.msgsPerSec(),
                result.p50Us(), result.fairness());
            return result;
        }
        catch (final Exception ex)
        {
            System.err.println("gate: " + workload.name() + " " + transport + " failed: " + ex.getMessage());
            return null;
        }
    }
}
