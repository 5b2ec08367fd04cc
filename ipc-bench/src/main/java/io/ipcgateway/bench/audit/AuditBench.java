package io.ipcgateway.bench.audit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.ipcgateway.bench.BenchCli;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ipc bench audit}: the audit log beside its references in one run, through JMH, each benchmark class in
 * its own fork ({@link ChronicleQueueBenchmark}'s with Chronicle's JVM flags): {@link PlainLogBenchmark} (the
 * FileChannel + CRC32C floor), {@link ChronicleQueueBenchmark} and {@code AuditLogBenchmark} (ours, hash chain on),
 * all with {@code -prof gc}. Prints every figure, then the targets as ratios (see {@link AuditTargets}).
 */
public final class AuditBench
{
    private static final String PACKAGE = AuditBench.class.getPackageName() + ".";

    private AuditBench()
    {
    }

    /**
     * Run the comparison.
     *
     * @param args options, see {@code bench audit --help}.
     * @throws Exception when JMH fails.
     */
    public static void main(final List<String> args) throws Exception
    {
        final Options cli = BenchCli.parse(new Options(), args);
        final boolean quick = cli.quick;
        final List<String> includes = new ArrayList<>(cli.only);
        if (includes.isEmpty())
        {
            includes.add(PACKAGE + "PlainLogBenchmark");
            includes.add(PACKAGE + "ChronicleQueueBenchmark");
            includes.add(PACKAGE + "AuditLogBenchmark");
        }
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .addProfiler(GCProfiler.class)
            .warmupIterations(quick ? 1 : 2)
            .measurementIterations(quick ? 2 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementTime(TimeValue.seconds(1))
            .shouldFailOnError(true);
        includes.forEach(options::include);
        final Collection<RunResult> results = new Runner(options.build()).run();
        final Map<String, Double> figures = figures(results);
        System.out.println();
        System.out.println("audit log beside its references (noisy: a shared 2-core machine measures nothing final)");
        figures.forEach((key, value) -> System.out.printf(Locale.ROOT, "  %-34s %,16.2f%n", key, value));
        System.out.println("targets (issue 14, Speed):");
        AuditTargets.check(figures).forEach(line -> System.out.println("  " + line));
    }

    /** The options of {@code bench audit}. */
    @Command(name = "ipc bench audit", sortOptions = false, description = {
        "Runs, through JMH with -prof gc, 64-byte records on the disk under java.io.tmpdir"
            + " (-Dipc.bench.audit.dir=DIR in IPC_JAVA_OPTS to change it):",
        "  plain      FileChannel + CRC32C: page cache (1 and 4 writers), group commit 1 ms, fsync per record",
        "  chronicle  Chronicle Queue 5.25ea0, page cache, 1 and 4 writers (its own fork and JVM flags)",
        "  ours       the audit log with the hash chain: the same four, the caller-side cost of an async append"
            + " (p99, B/op) and replay with CRC and chain checked (GB/s)",
        "then prints the ratios against the targets of issue 14."})
    static final class Options
    {
        @Option(names = "--quick", description = "1 warm-up and 2 measured iterations of 1 s (default 2 and 3)")
        private boolean quick;

        @Option(names = "--only", paramLabel = "REGEX",
            description = "only the benchmarks matching REGEX (JMH include syntax); may be repeated")
        private List<String> only = new ArrayList<>();

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /**
     * The figures {@link AuditTargets} checks, from JMH's results.
     *
     * @param results one JMH run.
     * @return figures keyed {@code side.method}: records/s for throughput benchmarks, and the async append's
     *     p99 (us) and B/op, and the replay's GB/s.
     */
    static Map<String, Double> figures(final Collection<RunResult> results)
    {
        final Map<String, Double> figures = new TreeMap<>();
        for (final RunResult result : results)
        {
            final String benchmark = result.getParams().getBenchmark();
            final String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            final String side = side(benchmark);
            final Result<?> primary = result.getPrimaryResult();
            if ("asyncAppend".equals(method))
            {
                final double p99 = primary.getStatistics().getPercentile(99);
                figures.put(side + ".asyncAppendP99Us", toMicros(p99, primary.getScoreUnit()));
                final Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
                if (allocated != null)
                {
                    figures.put(side + ".asyncAppendBytesPerOp", allocated.getScore());
                }
            }
            else if ("replay".equals(method))
            {
                final Result<?> bytes = result.getSecondaryResults().get("bytes");
                if (bytes != null)
                {
                    figures.put(side + ".replayGBps", bytes.getScore() / 1e9);
                }
            }
            else
            {
                figures.put(side + "." + method, primary.getScore());
            }
        }
        return figures;
    }

    private static String side(final String benchmark)
    {
        if (benchmark.contains("PlainLogBenchmark"))
        {
            return "plain";
        }
        if (benchmark.contains("ChronicleQueueBenchmark"))
        {
            return "chronicle";
        }
        return "ours";
    }

    private static double toMicros(final double value, final String unit)
    {
        return switch (unit)
        {
            case "ns/op" -> value / 1e3;
            case "us/op" -> value;
            case "ms/op" -> value * 1e3;
            case "s/op" -> value * 1e6;
            default -> throw new IllegalStateException("unexpected time unit " + unit);
        };
    }
}
