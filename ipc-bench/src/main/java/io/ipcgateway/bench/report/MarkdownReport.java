package io.ipcgateway.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ipcgateway.bench.load.RunResult;

/**
 * The results of a compare run as Markdown, for {@code docs/performance.md}: the machine, the command, the table
 * of medians with ratios to ours, and the targets. When the target file exists and holds the markers
 * {@value #START} and {@value #END}, only the text between them is replaced, so the hand-written explanation
 * around it stays.
 */
public final class MarkdownReport
{
    /** Marks the start of the generated section. */
    public static final String START = "<!-- compare:start -->";
    /** Marks the end of the generated section. */
    public static final String END = "<!-- compare:end -->";

    private MarkdownReport()
    {
    }

    /**
     * Render the generated section, markers included.
     *
     * @param results medians of the run.
     * @param machine the machine and time of the run ({@link Machine#describe()} then, or a report's copy).
     * @param command the command that produced them.
     * @param repeats repetitions per median.
     * @return the Markdown.
     */
    public static String render(
        final List<RunResult> results, final Map<String, Object> machine, final String command, final int repeats)
    {
        final StringBuilder out = new StringBuilder(START).append('\n');
        out.append("Run ").append(machine.get("time_utc")).append(" with `").append(command).append("` (")
            .append(repeats).append(repeats == 1 ? " repetition" : " repetitions, medians").append(").\n\n");
        out.append("Machine: ").append(machine.get("cpu")).append(", ").append(machine.get("cores"))
            .append(" cores, ").append(String.format(Locale.ROOT, "%.1f GiB",
                ((Number)machine.get("mem_total_kb")).longValue() / (1024.0 * 1024.0)))
            .append(", ").append(machine.get("os")).append(", ").append(machine.get("jvm")).append(".\n\n");
        out.append("| workload | transport | msgs/s | /ours | p50 us | /ours | p99 us | /ours | p99.9 us | max us | ")
            .append("fairness | idle CPU % | shm MiB | RSS MiB |\n");
        out.append("| --- | --- |").append(" ---: |".repeat(12)).append('\n');
        for (final RunResult result : results)
        {
            out.append(row(result, results));
        }
        out.append("\n`/ours` is the peer's figure divided by ours: above 1 a peer is faster in msgs/s, slower in ")
            .append("latency. `!` marks fairness below 0.5.\n\n");
        final List<String> stability = ResultTable.stability(results, repeats);
        if (!stability.isEmpty())
        {
            out.append("```\n");
            stability.forEach(line -> out.append(line).append('\n'));
            out.append("```\n\n");
        }
        final List<String> targets = Targets.check(results, repeats);
        if (!targets.isEmpty())
        {
            out.append("Targets of the transport, checked against this run:\n\n```\n");
            targets.forEach(line -> out.append(line).append('\n'));
            out.append("```\n");
        }
        return out.append(END).append('\n').toString();
    }

    private static String row(final RunResult r, final List<RunResult> results)
    {
        final RunResult ours = results.stream()
            .filter(o -> ResultTable.OURS.equals(o.transport()) && o.workload().equals(r.workload()))
            .findFirst()
            .orElse(null);
        final boolean peer = ours != null && ours != r;
        final long rssKb = Math.max(r.rssServerKb(), r.rssClientsKb().stream().mapToLong(Long::longValue)
            .max().orElse(0));
        return String.format(Locale.ROOT,
            "| %s | %s | %s | %s | %.2f | %s | %.2f | %s | %.1f | %.1f | %s | %s | %.1f | %.0f |%n",
            r.workload(), peer ? r.transport() : "**" + r.transport() + "**", ResultTable.rate(r.msgsPerSec()),
            peer ? ResultTable.ratio(r.msgsPerSec(), ours.msgsPerSec()) : "",
            r.p50Us(), peer ? ResultTable.ratio(r.p50Us(), ours.p50Us()) : "",
            r.p99Us(), peer ? ResultTable.ratio(r.p99Us(), ours.p99Us()) : "",
            r.p999Us(), r.maxUs(),
            Double.isNaN(r.fairness()) ? "-" : String.format(Locale.ROOT, "%.2f%s", r.fairness(),
                r.unfair() ? " !" : ""),
            Double.isNaN(r.idleCpuPct()) ? "-" : String.format(Locale.ROOT, "%.1f", r.idleCpuPct()),
            r.shmBytes() / (1024.0 * 1024.0), rssKb / 1024.0);
    }

    /**
     * Write the section into {@code file}: between the markers when the file has them, else the whole file.
     *
     * @param file    the Markdown file.
     * @param section what {@link #render} made.
     * @throws IOException when reading or writing fails.
     */
    public static void write(final Path file, final String section) throws IOException
    {
        if (Files.exists(file))
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final int start = text.indexOf(START);
            final int end = text.indexOf(END);
            if (start >= 0 && end > start)
            {
                final String updated = text.substring(0, start) + section +
                    text.substring(end + END.length()).replaceFirst("^\n", "");
                Files.writeString(file, updated, StandardCharsets.UTF_8);
                return;
            }
        }
        Files.writeString(file, section, StandardCharsets.UTF_8);
    }
}
