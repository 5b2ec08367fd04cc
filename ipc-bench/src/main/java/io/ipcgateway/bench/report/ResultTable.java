package io.ipcgateway.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ipcgateway.bench.load.RunResult;

/**
 * The text table of results: one row per workload and transport, with each peer's ratio to ours ({@code ipc}) in
 * the same workload. A throughput ratio above 1 means the peer is faster; a latency ratio above 1 means the peer
 * is slower. Fairness below 0.5 is flagged with {@code !}.
 */
public final class ResultTable
{
    /** The transport the ratios are taken against. */
    public static final String OURS = "ipc";
    private static final String HEADER = String.format(Locale.ROOT,
        "%-20s %-7s %10s %7s %9s %7s %9s %7s %9s %9s %6s %7s %8s %8s%n",
        "workload", "transp.", "msgs/s", "/ours", "p50 us", "/ours", "p99 us", "/ours", "p99.9 us", "max us",
        "fair", "idle%", "shm MiB", "rss MiB");

    private ResultTable()
    {
    }

    /**
     * Format results in the order given.
     *
     * @param results rows; ratios use the {@code ipc} row of the same workload when there is one.
     * @return the table, with a legend line.
     */
    public static String format(final List<RunResult> results)
    {
        final StringBuilder out = new StringBuilder(HEADER);
        boolean flagged = false;
        for (final RunResult r : results)
        {
            final RunResult ours = results.stream()
                .filter(o -> OURS.equals(o.transport()) && o.workload().equals(r.workload()))
                .findFirst()
                .orElse(null);
            final boolean peer = ours != null && ours != r;
            flagged |= r.unfair();
            final long rssKb = Math.max(r.rssServerKb(), r.rssClientsKb().stream().mapToLong(Long::longValue)
                .max().orElse(0));
            out.append(String.format(Locale.ROOT, "%-20s %-7s %10s %7s %9s %7s %9s %7s %9s %9s %6s %7s %8s %8s%n",
                r.workload(), r.transport(),
                rate(r.msgsPerSec()), peer ? ratio(r.msgsPerSec(), ours.msgsPerSec()) : "",
                micros(r.p50Us()), peer ? ratio(r.p50Us(), ours.p50Us()) : "",
                micros(r.p99Us()), peer ? ratio(r.p99Us(), ours.p99Us()) : "",
                micros(r.p999Us()), micros(r.maxUs()),
                Double.isNaN(r.fairness()) ? "-" : String.format(Locale.ROOT, "%.2f%s", r.fairness(),
                    r.unfair() ? "!" : ""),
                Double.isNaN(r.idleCpuPct()) ? "-" : String.format(Locale.ROOT, "%.1f", r.idleCpuPct()),
                String.format(Locale.ROOT, "%.1f", r.shmBytes() / (1024.0 * 1024.0)),
                String.format(Locale.ROOT, "%.0f", rssKb / 1024.0)));
        }
        out.append("/ours: peer divided by ipc (msgs/s above 1: peer faster; latency above 1: peer slower). ")
            .append("rss: largest JVM of the run.\n");
        if (flagged)
        {
            out.append("! fairness below 0.5: some clients were starved while others ran; the total is not a ")
                .append("fair service rate.\n");
        }
        return out.toString();
    }

    /**
     * How far the slowest repetition fell below the median, per workload and transport: on a shared machine a run
     * can collapse (every client getting one round trip per scheduler tick), which a median hides.
     *
     * @param results medians of a compare run.
     * @param repeats repetitions each median is taken over.
     * @return a heading and one line per workload, e.g. {@code rr-32c  ipc 0.85  agrona 0.04}; nothing for one
     *         repetition.
     */
    public static List<String> stability(final List<RunResult> results, final int repeats)
    {
        if (repeats < 2)
        {
            return List.of();
        }
        final Map<String, StringBuilder> byWorkload = new LinkedHashMap<>();
        for (final RunResult r : results)
        {
            byWorkload.computeIfAbsent(r.workload(), w -> new StringBuilder(String.format(Locale.ROOT, "%-20s", w)))
                .append(String.format(Locale.ROOT, " %s %.2f", r.transport(), r.slowestToMedian()));
        }
        final List<String> lines = new ArrayList<>();
        lines.add("Slowest of " + repeats + " repetitions / median, msgs/s:");
        byWorkload.values().forEach(line -> lines.add(line.toString()));
        return lines;
    }

    /**
     * Format a rate with a k/M suffix.
     *
     * @param perSecond the rate.
     * @return e.g. {@code 12.3M}.
     */
    public static String rate(final double perSecond)
    {
        if (perSecond >= 1e6)
        {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    private static String micros(final double us)
    {
        if (Double.isNaN(us))
        {
            return "-";
        }
        return us < 10 ? String.format(Locale.ROOT, "%.2f", us) : String.format(Locale.ROOT, "%.1f", us);
    }

    /**
     * Format a ratio of a peer's figure to ours.
     *
     * @param peer the peer's figure.
     * @param ours our figure.
     * @return e.g. {@code 1.25x}, or {@code -} when undefined.
     */
    static String ratio(final double peer, final double ours)
    {
        if (ours <= 0 || Double.isNaN(ours) || Double.isNaN(peer))
        {
            return "-";
        }
        final double ratio = peer / ours;
        final String format = ratio >= 100 ? "%.0fx" : ratio >= 10 ? "%.1fx" : ratio >= 0.1 ? "%.2fx" : "%.2gx";
        return String.format(Locale.ROOT, format, ratio);
    }
}
