package io.ipcgateway.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ipcgateway.core.CounterKind;
import io.ipcgateway.shm.ChannelSnapshot;

/**
 * Renders channel snapshots as the table {@code bin/ipc stat} shows, one row per channel, with message rates
 * computed against the previous rendering (the first rendering shows totals only). {@code WAIT S/P}: threads blocked
 * in a request waiting for their response now, spinning / asleep (the server row counts every client of the
 * service, a client row that client's share).
 */
public final class StatTable
{
    private static final String FORMAT =
        "%-16s %-18s %8s %-5s %7s %6s %10s %10s %12s %12s %8s %6s %9s %9s %9s%n";

    private final Map<String, long[]> previous = new HashMap<>();
    private long previousAtNs;

    /**
     * Renders a table of the given snapshots taken at {@code nowNs}.
     *
     * @param snapshots the channels, e.g. from {@code ShmObserver#snapshot()}.
     * @param problems  lines describing files that could not be read.
     * @param nowNs     when the snapshots were taken, {@code System.nanoTime()}.
     * @return the table text, with a header line.
     */
    public String render(final List<ChannelSnapshot> snapshots, final List<String> problems, final long nowNs)
    {
        final StringBuilder out = new StringBuilder(256 + 160 * snapshots.size());
        out.append(String.format(Locale.ROOT, FORMAT, "SERVICE", "CHANNEL", "PID", "ALIVE", "HB_MS", "RING%",
            "IN_MSG/S", "OUT_MSG/S", "RECEIVED", "SENT", "BACKPR", "ERRORS", "SLEEPS", "WAKEUPS", "WAIT S/P"));
        final double elapsedSeconds = previousAtNs == 0 ? 0 : (nowNs - previousAtNs) / 1e9;
        final Map<String, long[]> current = new HashMap<>();
        for (final ChannelSnapshot s : snapshots)
        {
            final String key = s.service() + "/" + s.channel();
            final long received = s.counter(CounterKind.MESSAGES_RECEIVED);
            final long sent = s.counter(CounterKind.MESSAGES_SENT);
            current.put(key, new long[] {received, sent});
            final long[] before = previous.get(key);
            out.append(String.format(Locale.ROOT, FORMAT,
                clip(s.service(), 16),
                clip(s.channel(), 18),
                s.ownerPid(),
                s.ownerAlive() ? "yes" : "NO",
                TimeUnit.NANOSECONDS.toMillis(s.heartbeatAgeNs()),
                String.format(Locale.ROOT, "%.1f", 100 * s.occupancyRatio()),
                rate(before, 0, received, elapsedSeconds),
                rate(before, 1, sent, elapsedSeconds),
                received,
                sent,
                s.counter(CounterKind.BACK_PRESSURE_EVENTS),
                s.counter(CounterKind.ERRORS),
                s.notifierSleeps(),
                s.notifierWakeups(),
                (s.waitingRequesters() - s.parkedRequesters()) + "/" + s.parkedRequesters()));
        }
        if (snapshots.isEmpty())
        {
            out.append("(no running services)\n");
        }
        for (final String problem : problems)
        {
            out.append("unreadable: ").append(problem).append('\n');
        }
        previous.clear();
        previous.putAll(current);
        previousAtNs = nowNs;
        return out.toString();
    }

    private static String rate(final long[] before, final int index, final long now, final double elapsedSeconds)
    {
        if (before == null || elapsedSeconds <= 0)
        {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f", Math.max(0, now - before[index]) / elapsedSeconds);
    }

    private static String clip(final String s, final int width)
    {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
