package io.ipcgateway.bench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.report.ResultTable;

/**
 * One figure of one gate workload held to its margin, e.g. rr-32c's msgs/s at least 1x the sockets'.
 *
 * @param workload the workload's name.
 * @param figure   what is compared, e.g. {@code msgs/s}.
 * @param ours     our figure ({@code NaN} when our run failed).
 * @param uds      the sockets' figure ({@code NaN} when not compared with them, or their run failed).
 * @param value    what the margin applies to: the ratio ours / sockets, or our figure itself.
 * @param margin   the bound.
 * @param atLeast  true when {@code value} must be at least {@code margin}, false when at most.
 * @param ratio    true when {@code value} is a ratio (printed with an {@code x}).
 * @param note     why the check failed when no figure could be taken, else empty.
 */
public record GateCheck(String workload, String figure, double ours, double uds, double value, double margin,
    boolean atLeast, boolean ratio, String note)
{
    /**
     * Whether the figure is within its margin; a missing figure never is.
     *
     * @return true when it passes.
     */
    public boolean passed()
    {
        if (Double.isNaN(value))
        {
            return false;
        }
        return atLeast ? value >= margin : value <= margin;
    }

    /**
     * The checks of one workload, from our run and the sockets' run of it.
     *
     * @param workload the gate workload's name ({@link Gate#ONE_WAY}, {@link Gate#RR}, {@link Gate#BLOCKING}).
     * @param ours     our result, or null when our run failed.
     * @param uds      the sockets' result, or null when their run failed.
     * @param margins  the margins.
     * @return one check per figure the workload is held to.
     */
    public static List<GateCheck> evaluate(final String workload, final RunResult ours, final RunResult uds,
        final GateMargins margins)
    {
        final String note = ours == null ? "ipc run failed" : uds == null ? "uds run failed" : "";
        final double oursRate = ours == null ? Double.NaN : ours.msgsPerSec();
        final double udsRate = uds == null ? Double.NaN : uds.msgsPerSec();
        final List<GateCheck> checks = new ArrayList<>();
        switch (workload)
        {
            case Gate.ONE_WAY -> checks.add(new GateCheck(workload, "msgs/s", oursRate, udsRate,
                oursRate / udsRate, margins.minOneWayRatio(), true, true, note));
            case Gate.RR ->
            {
                checks.add(new GateCheck(workload, "msgs/s", oursRate, udsRate, oursRate / udsRate,
                    margins.minRrRatio(), true, true, note));
                final double fairness = ours == null ? Double.NaN : ours.fairness();
                checks.add(new GateCheck(workload, "fairness", fairness, uds == null ? Double.NaN : uds.fairness(),
                    fairness, margins.minRrFairness(), true, false, ours == null ? note : ""));
            }
            case Gate.BLOCKING ->
            {
                final double oursP50 = ours == null ? Double.NaN : ours.p50Us();
                final double udsP50 = uds == null ? Double.NaN : uds.p50Us();
                checks.add(new GateCheck(workload, "p50 us", oursP50, udsP50, oursP50 / udsP50,
                    margins.maxBlockingP50Ratio(), false, true, note));
            }
            default -> throw new IllegalArgumentException("not a gate workload: " + workload);
        }
        return checks;
    }

    /**
     * Format checks as a table, one line each.
     *
     * @param checks the checks.
     * @return the table with its header.
     */
    public static String table(final List<GateCheck> checks)
    {
        final String format = "%-16s %-9s %10s %10s %9s %9s  %s%n";
        final StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format,
            "workload", "figure", "ipc", "uds", "measured", "margin", "verdict"));
        for (final GateCheck check : checks)
        {
            out.append(String.format(Locale.ROOT, format, check.workload(), check.figure(),
                figure(check.figure(), check.ours()), figure(check.figure(), check.uds()),
                number(check.value(), check.ratio()),
                (check.atLeast() ? ">= " : "<= ") + number(check.margin(), check.ratio()),
                check.passed() ? "PASS" : "FAIL" + (check.note().isEmpty() ? "" : " (" + check.note() + ")")));
        }
        return out.toString();
    }

    private static String figure(final String figure, final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        if ("msgs/s".equals(figure))
        {
            return ResultTable.rate(value);
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    }

    private static String number(final double value, final boolean ratio)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value) + (ratio ? "x" : "");
    }
}
