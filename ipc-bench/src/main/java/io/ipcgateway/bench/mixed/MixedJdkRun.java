package io.ipcgateway.bench.mixed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import io.ipcgateway.bench.load.CpuPinning;
import io.ipcgateway.bench.load.LoadRun;
import io.ipcgateway.bench.load.Mode;
import io.ipcgateway.bench.load.RunResult;
import io.ipcgateway.bench.load.RunSpec;
import io.ipcgateway.bench.transport.Idle;
import io.ipcgateway.bench.transport.IpcTransport;
import io.ipcgateway.shm.ChannelSnapshot;
import io.ipcgateway.shm.ShmObserver;

/**
 * {@code bench mixed-jdk}: our transport's blocking request/response with the server and the client on different
 * JDKs, in both directions, and on the same JDK, interleaved round by round. A JDK 17 process cannot call the futex
 * a JDK 25 consumer would sleep on, so the consumers negotiate a mechanism both sides can signal; this harness
 * shows the rate that costs: each mixed pairing's rate against each same-JDK rate, with a target of within 2x
 * (ratio at least {@value #TARGET_RATIO}). It also reports the mechanism each inbox negotiated, read from the
 * channel headers while the client is connected.
 */
public final class MixedJdkRun
{
    /** A mixed pairing meets the target when its rate is at least this fraction of every same-JDK rate. */
    public static final double TARGET_RATIO = 0.5;

    /** The pairings, in the order they run within a round. */
    public enum Pairing
    {
        /** Server and client on the JDK with the futex. */
        SAME_NEW("same JDK, new", false, false),
        /** Server and client on the JDK without the futex. */
        SAME_OLD("same JDK, old", true, true),
        /** Server on the new JDK, client on the old one. */
        NEW_SERVER_OLD_CLIENT("new server, old client", false, true),
        /** Server on the old JDK, client on the new one. */
        OLD_SERVER_NEW_CLIENT("old server, new client", true, false);

        private final String label;
        private final boolean oldServer;
        private final boolean oldClient;

        Pairing(final String label, final boolean oldServer, final boolean oldClient)
        {
            this.label = label;
            this.oldServer = oldServer;
            this.oldClient = oldClient;
        }

        /**
         * For tables.
         *
         * @return e.g. {@code new server, old client}.
         */
        public String label()
        {
            return label;
        }

        /**
         * Whether server and client run on different JDKs.
         *
         * @return {@code true} for the two mixed pairings.
         */
        public boolean mixed()
        {
            return oldServer != oldClient;
        }
    }

    /**
     * The figures of one pairing: medians over the rounds.
     *
     * @param pairing     which JDK ran which side.
     * @param serverJava  the server's java binary.
     * @param clientJava  the client's java binary.
     * @param serverInbox how the server's inbox consumer slept (the notifier kind in its header), or {@code none}.
     * @param clientInbox how the client's inbox consumer slept, or {@code none}.
     * @param ratePerSec  median completed requests per second.
     * @param p50Us       median of the rounds' round-trip medians, microseconds.
     * @param p99Us       median of the rounds' 99th percentiles, microseconds.
     * @param rounds      how many rounds the medians are over.
     */
    public record Row(Pairing pairing, String serverJava, String clientJava, String serverInbox, String clientInbox,
        double ratePerSec, double p50Us, double p99Us, int rounds)
    {
    }

    private MixedJdkRun()
    {
    }

    /**
     * Run every pairing {@link MixedJdkSpec#repeat()} times, interleaved.
     *
     * @param spec     what to run.
     * @param progress receives one-line progress messages.
     * @return one row per pairing, in {@link Pairing} order.
     * @throws Exception when a run fails; its children are stopped and files deleted anyway.
     */
    public static List<Row> execute(final MixedJdkSpec spec, final Consumer<String> progress) throws Exception
    {
        final Map<Pairing, List<RunResult>> results = new LinkedHashMap<>();
        final Map<Pairing, String[]> kinds = new LinkedHashMap<>();
        for (int round = 1; round <= spec.repeat(); round++)
        {
            for (final Pairing pairing : Pairing.values())
            {
                progress.accept(String.format("round %d/%d: %s", round, spec.repeat(), pairing.label()));
                final AtomicReference<String[]> seen = new AtomicReference<>(new String[] {"none", "none"});
                final RunResult result = LoadRun.execute(runSpec(spec, pairing), CpuPinning.NONE,
                    pairing.oldServer ? spec.oldJava() : spec.newJava(),
                    pairing.oldClient ? spec.oldJava() : spec.newJava(),
                    dir -> seen.set(inboxKinds(dir)), progress);
                results.computeIfAbsent(pairing, p -> new ArrayList<>()).add(result);
                kinds.put(pairing, seen.get());
            }
        }
        final List<Row> rows = new ArrayList<>();
        for (final Pairing pairing : Pairing.values())
        {
            final List<RunResult> runs = results.get(pairing);
            rows.add(new Row(pairing, pairing.oldServer ? spec.oldJava() : spec.newJava(),
                pairing.oldClient ? spec.oldJava() : spec.newJava(), kinds.get(pairing)[0], kinds.get(pairing)[1],
                median(runs, RunResult::msgsPerSec), median(runs, RunResult::p50Us), median(runs, RunResult::p99Us),
                runs.size()));
        }
        return rows;
    }

    private static RunSpec runSpec(final MixedJdkSpec spec, final Pairing pairing)
    {
        return new RunSpec("rr-" + spec.size() + "B-1c-block-" + pairing.name().toLowerCase(Locale.ROOT), "ipc",
            Mode.RR, spec.size(), 1, 1, spec.warmupNs(), spec.durationNs(), Idle.BLOCK, 0, 0);
    }

    /** The notifier kinds the server's inbox and the (one) client's inbox recorded: {server, client}. */
    private static String[] inboxKinds(final Path dir)
    {
        final String[] kinds = {"none", "none"};
        for (final ChannelSnapshot channel : new ShmObserver(IpcTransport.baseDirectory(dir)).snapshot())
        {
            final int index = ChannelSnapshot.SERVER_CHANNEL.equals(channel.channel()) ? 0 : 1;
            kinds[index] = String.valueOf(channel.notifierKind());
        }
        return kinds;
    }

    private static double median(final List<RunResult> runs, final ToDoubleFunction<RunResult> figure)
    {
        final double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        final int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /**
     * A mixed pairing's rate over a same-JDK pairing's rate.
     *
     * @param rows     the rows of one execution.
     * @param mixed    the mixed pairing.
     * @param sameJdk  the same-JDK pairing.
     * @return the ratio; 1.0 means as fast.
     */
    public static double ratio(final List<Row> rows, final Pairing mixed, final Pairing sameJdk)
    {
        return row(rows, mixed).ratePerSec() / row(rows, sameJdk).ratePerSec();
    }

    private static Row row(final List<Row> rows, final Pairing pairing)
    {
        return rows.stream().filter(r -> r.pairing() == pairing).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no row for " + pairing));
    }

    /**
     * The table and the ratios against the target.
     *
     * @param spec what ran.
     * @param rows what {@link #execute} returned.
     * @return lines ending with a newline.
     */
    public static String format(final MixedJdkSpec spec, final List<Row> rows)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("mixed-jdk: ipc request/response, %d B, 1 client, blocking consumers, median of %d"
            + " round(s) of %.1f s (noisy when the machine is shared)%n", spec.size(), spec.repeat(),
            spec.durationNs() / 1e9));
        out.append(String.format("  old JDK: %s%n  new JDK: %s%n", spec.oldJava(), spec.newJava()));
        out.append(String.format("%-24s %-7s %-7s %-12s %-12s %12s %9s %9s%n", "pairing", "server", "client",
            "server inbox", "client inbox", "requests/s", "p50 us", "p99 us"));
        for (final Row row : rows)
        {
            out.append(String.format(Locale.ROOT, "%-24s %-7s %-7s %-12s %-12s %12.0f %9.1f %9.1f%n",
                row.pairing().label(), row.pairing().oldServer ? "old" : "new", row.pairing().oldClient ? "old" : "new",
                row.serverInbox(), row.clientInbox(), row.ratePerSec(), row.p50Us(), row.p99Us()));
        }
        out.append(String.format("ratios mixed / same JDK (target: >= %.1f, i.e. within 2x):%n", TARGET_RATIO));
        for (final Pairing mixed : Pairing.values())
        {
            if (!mixed.mixed())
            {
                continue;
            }
            final double toNew = ratio(rows, mixed, Pairing.SAME_NEW);
            final double toOld = ratio(rows, mixed, Pairing.SAME_OLD);
            out.append(String.format(Locale.ROOT, "  %-24s %.2f x same-new, %.2f x same-old: %s%n", mixed.label(),
                toNew, toOld, Math.min(toNew, toOld) >= TARGET_RATIO ? "within 2x" : "NOT within 2x"));
        }
        return out.toString();
    }
}
