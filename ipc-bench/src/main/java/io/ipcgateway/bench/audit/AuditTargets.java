package io.ipcgateway.bench.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit log's speed targets (issue 14, Speed), checked against one {@code bench audit} run: each line says
 * met or missed and the measured ratio or figure. A target whose benchmarks are missing from the run is skipped.
 * Figures are keyed as {@code <side>.<benchmark>}: {@code ours}, {@code plain} or {@code chronicle}, then the
 * JMH method name ({@code pageCache1t}, {@code pageCache4t}, {@code groupCommit1t}, {@code fsyncPerRecord1t}), and
 * {@code ours.asyncAppendP99Us}, {@code ours.asyncAppendBytesPerOp}, {@code ours.replayGBps}.
 */
public final class AuditTargets
{
    /** Page-cache append: at least this many times Chronicle Queue. */
    static final double PAGE_CACHE_VS_CHRONICLE = 2.0;
    /** Page-cache append: at least this fraction of the plain writer. */
    static final double PAGE_CACHE_VS_PLAIN = 0.8;
    /** Group commit every 1 ms: at least this fraction of the plain writer. */
    static final double GROUP_COMMIT_VS_PLAIN = 0.8;
    /** Fsync per record: at least this fraction of the plain writer. */
    static final double FSYNC_VS_PLAIN = 0.9;
    /** Caller-side p99 of an async append, microseconds. */
    static final double ASYNC_P99_US = 5.0;
    /** Below this many bytes per operation, JMH's allocation figure is its own noise: nothing allocated. */
    static final double ZERO_ALLOCATION_BYTES = 1.0;
    /** Replay with CRC and chain checked, GB/s. */
    static final double REPLAY_GBPS = 1.0;

    private AuditTargets()
    {
    }

    /**
     * Check every target the figures cover.
     *
     * @param figures figures of one run, keyed as described on the class.
     * @return one line per target.
     */
    public static List<String> check(final Map<String, Double> figures)
    {
        final List<String> lines = new ArrayList<>();
        for (final String threads : List.of("1t", "4t"))
        {
            final String name = "pageCache" + threads;
            ratio(lines, figures, name, "chronicle", PAGE_CACHE_VS_CHRONICLE);
            ratio(lines, figures, name, "plain", PAGE_CACHE_VS_PLAIN);
        }
        ratio(lines, figures, "groupCommit1t", "plain", GROUP_COMMIT_VS_PLAIN);
        ratio(lines, figures, "fsyncPerRecord1t", "plain", FSYNC_VS_PLAIN);
        final Double p99 = figures.get("ours.asyncAppendP99Us");
        if (p99 != null)
        {
            lines.add(line("async append caller p99 < 5 us", p99, p99 < ASYNC_P99_US, " us"));
        }
        final Double allocated = figures.get("ours.asyncAppendBytesPerOp");
        if (allocated != null)
        {
            lines.add(line("async append allocates 0 B/op", allocated, allocated < ZERO_ALLOCATION_BYTES, " B/op"));
        }
        final Double replay = figures.get("ours.replayGBps");
        if (replay != null)
        {
            lines.add(line("replay, CRC + chain >= 1 GB/s", replay, replay >= REPLAY_GBPS, " GB/s"));
        }
        return lines;
    }

    private static void ratio(final List<String> lines, final Map<String, Double> figures, final String benchmark,
        final String peer, final double atLeast)
    {
        final Double ours = figures.get("ours." + benchmark);
        final Double theirs = figures.get(peer + "." + benchmark);
        if (ours == null || theirs == null || theirs <= 0)
        {
            return;
        }
        final double ratio = ours / theirs;
        lines.add(line(String.format(Locale.ROOT, "%s >= %.1fx %s", benchmark, atLeast, peer), ratio,
            ratio >= atLeast, "x"));
    }

    private static String line(final String target, final double actual, final boolean met, final String unit)
    {
        return String.format(Locale.ROOT, "%-6s %-36s ours: %.2f%s", met ? "MET" : "MISSED", target, actual, unit);
    }
}
