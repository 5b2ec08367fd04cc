package io.ipcgateway.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.ipcgateway.bench.load.RunResult;

/**
 * The transport's targets (issue 3), checked against one compare run: each line says met or missed, and by how
 * much. A target whose workloads or transports are missing from the run is skipped.
 */
public final class Targets
{
    private static final double ONE_WAY_VS_AGRONA = 0.9;
    private static final double ONE_WAY_VS_UDS = 20;
    private static final double SPIN_RTT_VS_AGRONA = 1.2;
    private static final double BLOCK_P99_VS_UDS = 0.5;
    private static final double RR_MIN_RATE = 1e6;
    private static final double RR_MAX_P99_US = 50;
    private static final double RR_MIN_FAIRNESS = 0.5;
    private static final double RR_MIN_SLOWEST_TO_MEDIAN = 0.5;

    private Targets()
    {
    }

    /**
     * Check every target that the results cover.
     *
     * @param results medians of a compare run.
     * @param repeats repetitions each median is taken over; stability is checked from two on.
     * @return one line per target.
     */
    public static List<String> check(final List<RunResult> results, final int repeats)
    {
        final List<String> lines = new ArrayList<>();
        for (final String workload : List.of("oneway-32B-1p", "oneway-32B-32p"))
        {
            find(results, workload, "ipc").ifPresent(ours ->
            {
                find(results, workload, "agrona").ifPresent(agrona -> lines.add(line(
                    workload + " throughput >= 0.9x agrona", ours.msgsPerSec() / agrona.msgsPerSec(),
                    ours.msgsPerSec() >= ONE_WAY_VS_AGRONA * agrona.msgsPerSec(), "x")));
                find(results, workload, "uds").ifPresent(uds -> lines.add(line(
                    workload + " throughput >= 20x uds", ours.msgsPerSec() / uds.msgsPerSec(),
                    ours.msgsPerSec() >= ONE_WAY_VS_UDS * uds.msgsPerSec(), "x")));
            });
        }
        find(results, "pingpong-spin", "ipc").ifPresent(ours ->
            find(results, "pingpong-spin", "agrona").ifPresent(agrona -> lines.add(line(
                "pingpong-spin p50 <= 1.2x agrona", ours.p50Us() / agrona.p50Us(),
                ours.p50Us() <= SPIN_RTT_VS_AGRONA * agrona.p50Us(), "x"))));
        find(results, "pingpong-block", "ipc").ifPresent(ours ->
            find(results, "pingpong-block", "uds").ifPresent(uds ->
            {
                lines.add(line("pingpong-block p50 <= uds", ours.p50Us() / uds.p50Us(),
                    ours.p50Us() <= uds.p50Us(), "x"));
                lines.add(line("pingpong-block p99 <= 0.5x uds", ours.p99Us() / uds.p99Us(),
                    ours.p99Us() <= BLOCK_P99_VS_UDS * uds.p99Us(), "x"));
            }));
        find(results, "rr-32c", "ipc").ifPresent(ours ->
        {
            lines.add(line("rr-32c >= 1M msgs/s", ours.msgsPerSec() / 1e6, ours.msgsPerSec() >= RR_MIN_RATE,
                "M msgs/s"));
            lines.add(line("rr-32c p99 < 50 us", ours.p99Us(), ours.p99Us() < RR_MAX_P99_US, " us"));
            lines.add(line("rr-32c fairness >= 0.5", ours.fairness(), ours.fairness() >= RR_MIN_FAIRNESS, ""));
            if (repeats > 1)
            {
                // The issue asks for 10 repetitions; fewer are checked too, and the line says how many there were.
                lines.add(line("rr-32c slowest of " + repeats + " >= 0.5x median", ours.slowestToMedian(),
                    ours.slowestToMedian() >= RR_MIN_SLOWEST_TO_MEDIAN, "x"));
            }
        });
        return lines;
    }

    private static String line(final String target, final double actual, final boolean met, final String unit)
    {
        return String.format(Locale.ROOT, "%-6s %-36s ours: %.2f%s", met ? "MET" : "MISSED", target, actual, unit);
    }

    private static Optional<RunResult> find(final List<RunResult> results, final String workload,
        final String transport)
    {
        return results.stream()
            .filter(r -> r.workload().equals(workload) && r.transport().equals(transport))
            .findFirst();
    }
}
