package io.ipcgateway.bench.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.load.CpuPinning;
import io.ipcgateway.bench.load.Histograms;
import io.ipcgateway.bench.load.LoadRun;
import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.load.RunSpec;
import io.ipcgateway.bench.transport.Transports;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench compare}: every transport over the standard workloads, transports interleaved within each
 * repetition (and rotated between repetitions) so that drift of a shared machine hits all of them; prints the
 * medians with ratios to ours, and optionally writes JSON and an SVG plot.
 */
public final class Compare
{
    private static final long QUICK_WARMUP_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long QUICK_DURATION_NS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final long QUICK_IDLE_WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long FULL_WARMUP_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long FULL_DURATION_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long FULL_IDLE_WINDOW_NS = TimeUnit.SECONDS.toNanos(3);
    private static final int FULL_REPEATS = 3;

    private Compare()
    {
    }

    /**
     * Run {@code compare} with its command-line options.
     *
     * @param args options (see {@code --help}).
     * @throws Exception when writing the outputs fails; failed runs are reported and skipped.
     */
    public static void main(final List<String> args) throws Exception
    {
        final CompareOptions options = BenchCli.parse(new CompareOptions(), args);
        final boolean quick = options.quick;
        final String json = options.json;
        final String plot = options.plot;
        final String markdown = options.markdown;
        final String command = "bin/ipc bench compare " + String.join(" ", args);
        final String transportsText = options.transports;
        final String workloadsText = options.workloads;
        final CpuPinning pinning = CpuPinning.parse(options.pin);

        final int repeats = options.repeat != null ? options.repeat : quick ? 1 : FULL_REPEATS;
        final List<String> transports = transportsText == null ? Transports.NAMES :
            Arrays.asList(transportsText.split(","));
        for (final String transport : transports)
        {
            if (!Transports.NAMES.contains(transport))
            {
                throw new IllegalArgumentException("--transports: unknown transport " + transport + ", known: " +
                    Transports.NAMES);
            }
        }
        final List<Workload> workloads = workloadsText == null ? Workload.STANDARD :
            Arrays.stream(workloadsText.split(",")).map(Compare::workload).toList();
        final long warmupNs = options.warmupNs != null ? options.warmupNs : quick ? QUICK_WARMUP_NS : FULL_WARMUP_NS;
        final long durationNs = options.durationNs != null ? options.durationNs :
            quick ? QUICK_DURATION_NS : FULL_DURATION_NS;
        final long idleWindowNs = quick ? QUICK_IDLE_WINDOW_NS : FULL_IDLE_WINDOW_NS;

        final Map<String, Object> machine = Machine.describe();
        final List<RunResult> medians =
            run(transports, workloads, repeats, warmupNs, durationNs, idleWindowNs, pinning);
        System.out.print(ResultTable.format(medians));
        ResultTable.stability(medians, repeats).forEach(System.out::println);
        final List<String> targets = Targets.check(medians, repeats);
        if (!targets.isEmpty())
        {
            System.out.println();
            System.out.println("Targets (issue 3), ours against the peers of this run:");
            targets.forEach(System.out::println);
        }
        if (json != null)
        {
            Files.writeString(Path.of(json), ResultJson.write(medians, machine, repeats), StandardCharsets.UTF_8);
            System.err.println("wrote " + json);
        }
        if (markdown != null)
        {
            MarkdownReport.write(Path.of(markdown), MarkdownReport.render(medians, machine, command, repeats));
            System.err.println("wrote " + markdown);
        }
        if (plot != null)
        {
            Files.writeString(Path.of(plot), SvgPlot.render(medians, workloads), StandardCharsets.UTF_8);
            System.err.println("wrote " + plot);
        }
    }

    /**
     * {@code bench report}: print the table of a saved JSON report again, and redraw its plot or Markdown.
     *
     * @param args {@code --json FILE [--plot FILE.svg] [--markdown FILE.md]}.
     * @throws Exception when reading or writing fails.
     */
    public static void report(final List<String> args) throws Exception
    {
        final ReportOptions options = BenchCli.parse(new ReportOptions(), args);
        final String json = options.json;
        final String plot = options.plot;
        final String markdown = options.markdown;
        final String text = Files.readString(Path.of(json), StandardCharsets.UTF_8);
        final List<RunResult> results = ResultJson.read(text);
        final int repeats = ResultJson.repeats(text);
        System.out.print(ResultTable.format(results));
        ResultTable.stability(results, repeats).forEach(System.out::println);
        Targets.check(results, repeats).forEach(System.out::println);
        if (plot != null)
        {
            Files.writeString(Path.of(plot), SvgPlot.render(results, Workload.STANDARD), StandardCharsets.UTF_8);
        }
        if (markdown != null)
        {
            // The run's own time and machine, from the report: re-rendering changes neither.
            MarkdownReport.write(Path.of(markdown), MarkdownReport.render(results, ResultJson.machine(text),
                "bin/ipc bench report " + String.join(" ", args), repeats));
        }
    }

    /** The options of {@code bench compare}. */
    @Command(name = "ipc bench compare", sortOptions = false, description = "Every transport over the standard"
        + " workloads, transports interleaved within each repetition (and rotated between repetitions); prints the"
        + " medians with ratios to ours and the targets of issue 3, and optionally writes JSON, an SVG plot and"
        + " Markdown. Progress goes to standard error.")
    static final class CompareOptions
    {
        @Option(names = "--quick", description = "short runs, one repetition: under 3 minutes on 2 cores")
        private boolean quick;

        @Option(names = "--repeat", paramLabel = "K", converter = BenchCli.PositiveInt.class,
            description = "repetitions (default " + FULL_REPEATS + ", quick 1); transports interleave within each")
        private Integer repeat;

        @Option(names = "--transports", paramLabel = "a,b", description = "a subset of ipc,agrona,aeron,uds")
        private String transports;

        @Option(names = "--workloads", paramLabel = "a,b", description = "a subset of the standard workloads")
        private String workloads;

        @Option(names = "--json", paramLabel = "FILE", description = "write the medians as JSON (schema in"
            + " docs/performance.md)")
        private String json;

        @Option(names = "--plot", paramLabel = "FILE.svg", description = "write the latency percentile distributions")
        private String plot;

        @Option(names = "--markdown", paramLabel = "FILE.md", description = "write the table and targets as Markdown"
            + " (between the compare:start/end markers when FILE has them, e.g. docs/performance.md)")
        private String markdown;

        @Option(names = "--duration", paramLabel = "TIME", converter = BenchCli.Duration.class,
            description = "measured time of each run (default 5s, quick 1.5s)")
        private Long durationNs;

        @Option(names = "--warmup", paramLabel = "TIME", converter = BenchCli.Duration.class,
            description = "warm-up of each run (default 2s, quick 0.5s)")
        private Long warmupNs;

        @Option(names = "--pin", paramLabel = "SERVER/CLIENTS", description = "server JVMs on CPUs SERVER, client JVMs"
            + " on CPUs CLIENTS (taskset lists, e.g. 0/1), for every transport")
        private String pin;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /** The options of {@code bench report}. */
    @Command(name = "ipc bench report", sortOptions = false, description = "Prints the table of a saved"
        + " compare --json report again, and redraws its plot or Markdown.")
    static final class ReportOptions
    {
        @Option(names = "--json", paramLabel = "FILE", required = true,
            description = "the report, written by compare --json (required)")
        private String json;

        @Option(names = "--plot", paramLabel = "FILE.svg", description = "write the latency percentile distributions")
        private String plot;

        @Option(names = "--markdown", paramLabel = "FILE.md", description = "write the table and targets as Markdown")
        private String markdown;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    private static Workload workload(final String name)
    {
        return Workload.STANDARD.stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow(() ->
            new IllegalArgumentException("--workloads: unknown workload " + name + ", known: " +
                Workload.STANDARD.stream().map(Workload::name).toList()));
    }

    /**
     * Run every workload for every transport {@code repeats} times and return the medians.
     *
     * @param transports   transport names.
     * @param workloads    workloads.
     * @param repeats      repetitions.
     * @param warmupNs     warm-up of each run.
     * @param durationNs   measured time of each run.
     * @param idleWindowNs idle-CPU window where a workload measures it.
     * @param pinning      where the server and client JVMs of every run may run.
     * @return one median result per workload and transport that completed at least once, in workload order
     *         then transport order.
     */
    public static List<RunResult> run(final List<String> transports, final List<Workload> workloads,
        final int repeats, final long warmupNs, final long durationNs, final long idleWindowNs,
        final CpuPinning pinning)
    {
        final Map<String, List<RunResult>> byKey = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        final int total = repeats * workloads.size() * transports.size();
        final long startNs = System.nanoTime();
        int done = 0;
        for (int rep = 0; rep < repeats; rep++)
        {
            for (final Workload workload : workloads)
            {
                for (int t = 0; t < transports.size(); t++)
                {
                    // Rotate the order each repetition, so no transport always runs first (or right after another).
                    final String transport = transports.get((t + rep) % transports.size());
                    final RunSpec spec = workload.spec(transport, warmupNs, durationNs, idleWindowNs);
                    done++;
                    System.err.printf("[%d/%d] rep %d/%d %-15s %-7s (%s)%s%n", done, total, rep + 1, repeats,
                        workload.name(), transport, workload.describe(), eta(startNs, done - 1, total));
                    try
                    {
                        final RunResult result = LoadRun.execute(spec, pinning, System.err::println);
                        System.err.printf("        %s msgs/s, p50 %.2f us, p99 %.2f us%s%n",
                            ResultTable.rate(result.msgsPerSec()), result.p50Us(), result.p99Us(),
                            Double.isNaN(result.fairness()) ? "" : String.format(", fairness %.2f", result.fairness()));
                        byKey.computeIfAbsent(workload.name() + "/" + transport, k -> new ArrayList<>()).add(result);
                    }
                    catch (final Exception ex)
                    {
                        final String failure = workload.name() + " " + transport + ": " + ex.getMessage();
                        failures.add(failure);
                        System.err.println("        FAILED " + failure);
                    }
                }
            }
        }
        final List<RunResult> medians = new ArrayList<>();
        for (final Workload workload : workloads)
        {
            for (final String transport : transports)
            {
                final List<RunResult> runs = byKey.get(workload.name() + "/" + transport);
                if (runs != null)
                {
                    medians.add(median(runs));
                }
            }
        }
        failures.forEach(failure -> System.err.println("FAILED: " + failure));
        return medians;
    }

    private static String eta(final long startNs, final int done, final int total)
    {
        if (done == 0)
        {
            return "";
        }
        final double elapsedS = (System.nanoTime() - startNs) / 1e9;
        return String.format(", %.0f s elapsed, about %.0f s to go", elapsedS, elapsedS / done * (total - done));
    }

    /**
     * The median of repeated runs of one workload and transport: every figure is the median of that figure, except
     * the lowest throughput, which is the lowest of any run; per-client counts and memory come from the run with the
     * median throughput; histograms are merged.
     *
     * @param runs at least one run.
     * @return the median result.
     */
    public static RunResult median(final List<RunResult> runs)
    {
        final List<RunResult> byRate = new ArrayList<>(runs);
        byRate.sort(Comparator.comparingDouble(RunResult::msgsPerSec));
        final RunResult middle = byRate.get((byRate.size() - 1) / 2);
        final Histogram merged = Histograms.newHistogram();
        runs.forEach(r -> merged.add(Histograms.decode(r.histogram())));
        return new RunResult(middle.transport(), middle.workload(), middle.mode(), middle.idle(), middle.sizeBytes(),
            middle.clients(), middle.durationS(),
            median(runs, RunResult::msgsPerSec), runs.stream().mapToDouble(RunResult::minMsgsPerSec).min().orElse(0),
            median(runs, RunResult::p50Us), median(runs, RunResult::p90Us),
            median(runs, RunResult::p99Us), median(runs, RunResult::p999Us), median(runs, RunResult::maxUs),
            median(runs, RunResult::meanUs), (long)median(runs, r -> r.samples()),
            median(runs, RunResult::idleCpuPct), median(runs, RunResult::fairness), middle.perClient(),
            middle.shmBytes(), middle.rssServerKb(), middle.rssClientsKb(), Histograms.encode(merged));
    }

    private static double median(final List<RunResult> runs, final ToDoubleFunction<RunResult> field)
    {
        final double[] values = runs.stream().mapToDouble(field).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0)
        {
            return Double.NaN;
        }
        final int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
