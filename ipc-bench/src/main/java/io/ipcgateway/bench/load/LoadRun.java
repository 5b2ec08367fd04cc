package io.ipcgateway.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.ipcgateway.bench.transport.Idle;
import org.HdrHistogram.Histogram;

/**
 * Runs one load run: starts the server JVM and the client JVMs, starts the load for all at once, collects the
 * figures, measures memory and idle CPU, and always stops the children and deletes the run's files, also when
 * the harness itself is interrupted (a shutdown hook kills what is left).
 */
public final class LoadRun
{
    /** Where run folders go: shared memory, like the transports' own files. */
    public static final Path SHM_ROOT = Path.of("/dev/shm");
    /** Prefix of every run folder, so leftovers are easy to find. */
    public static final String RUN_DIR_PREFIX = "ipc-bench-";
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long RESULT_GRACE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long PROGRESS_EVERY_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long SETTLE_MS = 200;
    private static final long EXIT_TIMEOUT_MS = 10_000;
    private static final double NS_PER_US = 1000.0;
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Path> LIVE_DIRS = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            LIVE.forEach(ChildProcess::close);
            LIVE_DIRS.forEach(LoadRun::deleteTree);
        }, "bench-cleanup"));
    }

    private final RunSpec spec;
    private final CpuPinning pinning;
    private final Consumer<String> progress;
    private final String serverJava;
    private final String clientJava;
    private final Consumer<Path> whileConnected;
    private final List<ChildProcess> clients = new ArrayList<>();
    private ChildProcess server;

    private LoadRun(final RunSpec spec, final CpuPinning pinning, final String serverJava, final String clientJava,
        final Consumer<Path> whileConnected, final Consumer<String> progress)
    {
        this.spec = spec;
        this.pinning = pinning;
        this.serverJava = serverJava;
        this.clientJava = clientJava;
        this.whileConnected = whileConnected;
        this.progress = progress;
    }

    /**
     * Run one load run.
     *
     * @param spec     what to run.
     * @param progress receives one-line progress messages.
     * @return the figures.
     * @throws Exception when a child fails or times out; the children are stopped and files deleted anyway.
     */
    public static RunResult execute(final RunSpec spec, final Consumer<String> progress) throws Exception
    {
        return execute(spec, CpuPinning.NONE, progress);
    }

    /**
     * Run one load run with the server and client JVMs pinned to CPUs.
     *
     * @param spec     what to run.
     * @param pinning  where the children may run.
     * @param progress receives one-line progress messages.
     * @return the figures.
     * @throws Exception when a child fails or times out; the children are stopped and files deleted anyway.
     */
    public static RunResult execute(final RunSpec spec, final CpuPinning pinning, final Consumer<String> progress)
        throws Exception
    {
        final String java = ChildProcess.javaBinary();
        return execute(spec, pinning, java, java, dir -> { }, progress);
    }

    /**
     * Run one load run with the server and the client JVMs on chosen java binaries (for example different JDKs).
     *
     * @param spec           what to run.
     * @param pinning        where the children may run.
     * @param serverJava     the java binary of the server JVM.
     * @param clientJava     the java binary of the client JVMs.
     * @param whileConnected called with the run's folder after the figures are in and before the children stop,
     *                       while every client is still connected (to read the channel headers, for example).
     * @param progress       receives one-line progress messages.
     * @return the figures.
     * @throws Exception when a child fails or times out; the children are stopped and files deleted anyway.
     */
    public static RunResult execute(final RunSpec spec, final CpuPinning pinning, final String serverJava,
        final String clientJava, final Consumer<Path> whileConnected, final Consumer<String> progress)
        throws Exception
    {
        final Path dir = newRunDir();
        final LoadRun run = new LoadRun(spec, pinning, serverJava, clientJava, whileConnected, progress);
        try
        {
            return run.execute(dir);
        }
        finally
        {
            run.stopAll();
            releaseRunDir(dir);
        }
    }

    /**
     * A new private folder for one run's files, under {@code /dev/shm} (or the temp folder where there is none),
     * deleted by {@link #releaseRunDir} or, if the JVM is stopped first, by a shutdown hook. Folders that harnesses
     * killed before their cleanup left behind are deleted first.
     *
     * @return the folder.
     * @throws IOException when it cannot be created.
     */
    public static Path newRunDir() throws IOException
    {
        final Path root = Files.isDirectory(SHM_ROOT) ? SHM_ROOT : Path.of(System.getProperty("java.io.tmpdir"));
        deleteStaleRunDirs(root);
        // The harness's pid in the name lets a later run remove what a killed harness left behind.
        final Path dir = Files.createTempDirectory(root, RUN_DIR_PREFIX + ProcessHandle.current().pid() + "-");
        LIVE_DIRS.add(dir);
        return dir;
    }

    /**
     * Delete a folder from {@link #newRunDir} with everything in it.
     *
     * @param dir the folder.
     */
    public static void releaseRunDir(final Path dir)
    {
        deleteTree(dir);
        LIVE_DIRS.remove(dir);
    }

    private RunResult execute(final Path dir) throws Exception
    {
        final List<String> childArgs = new ArrayList<>(spec.toArgs());
        childArgs.add("--dir");
        childArgs.add(dir.toString());
        final List<String> jvmFlags = ChildClassPath.jvmFlags(spec.transport());
        final String classPath = ChildClassPath.of(spec.transport());
        server = track(ChildProcess.start("server", "child-server", childArgs, pinning.launcherPrefix(true),
            serverJava, jvmFlags, classPath));
        server.await("READY", START_TIMEOUT_NS);
        for (int jvm = 0; jvm < spec.clientJvms(); jvm++)
        {
            final int first = spec.firstClientOf(jvm);
            final List<String> args = new ArrayList<>(childArgs);
            args.addAll(List.of("--first", Integer.toString(first),
                "--count", Integer.toString(spec.firstClientOf(jvm + 1) - first)));
            clients.add(track(ChildProcess.start("client JVM " + jvm, "child-client", args,
                pinning.launcherPrefix(false), clientJava, jvmFlags, classPath)));
        }
        for (final ChildProcess client : clients)
        {
            client.await("READY", START_TIMEOUT_NS);
        }

        final long measureStartNs = System.nanoTime() + spec.warmupNs();
        final long measureEndNs = measureStartNs + spec.durationNs();
        final String go = Control.GO + " " + measureStartNs + " " + measureEndNs;
        server.send(go);
        clients.forEach(client -> client.send(go));
        reportProgressUntil(measureStartNs, measureEndNs);

        final String serverResult = server.await("RESULT server", RESULT_GRACE_NS);
        final long[] perClient = new long[spec.clients()];
        final Histogram clientHistogram = Histograms.newHistogram();
        for (int jvm = 0; jvm < clients.size(); jvm++)
        {
            for (int id = spec.firstClientOf(jvm); id < spec.firstClientOf(jvm + 1); id++)
            {
                final String line = clients.get(jvm).await("RESULT client", RESULT_GRACE_NS);
                perClient[Integer.parseInt(line.split(" ")[2])] = Long.parseLong(value(line, "count"));
                clientHistogram.add(Histograms.decode(value(line, "hist")));
            }
        }
        whileConnected.accept(dir);
        final long rssServerKb = ProcessStats.rssKb(server.pid());
        final List<Long> rssClientsKb = clients.stream().map(c -> ProcessStats.rssKb(c.pid())).toList();
        final long shmBytes = ProcessStats.fileBytes(dir);
        final double idleCpuPct = measureIdleCpu();

        final double seconds = spec.durationNs() / 1e9;
        final boolean oneWay = spec.mode() == Mode.ONEWAY;
        final long total = oneWay ? Long.parseLong(value(serverResult, "count")) : sum(perClient);
        final Histogram histogram = oneWay ? Histograms.decode(value(serverResult, "hist")) : clientHistogram;
        final double fairness = Fairness.of(perClient);
        return new RunResult(spec.transport(), spec.workload(), spec.mode().label(), spec.idle().label(),
            spec.size(), spec.clients(), seconds, total / seconds, total / seconds,
            us(histogram.getValueAtPercentile(50)), us(histogram.getValueAtPercentile(90)),
            us(histogram.getValueAtPercentile(99)), us(histogram.getValueAtPercentile(99.9)),
            us(histogram.getMaxValue()), histogram.getMean() / NS_PER_US, histogram.getTotalCount(),
            idleCpuPct, fairness, Arrays.stream(perClient).boxed().toList(), shmBytes, rssServerKb,
            rssClientsKb, Histograms.encode(histogram));
    }

    private void reportProgressUntil(final long measureStartNs, final long measureEndNs)
        throws InterruptedException
    {
        long nextReportNs = System.nanoTime() + PROGRESS_EVERY_NS;
        while (true)
        {
            final long now = System.nanoTime();
            if (now >= measureEndNs)
            {
                return;
            }
            if (now >= nextReportNs)
            {
                nextReportNs += PROGRESS_EVERY_NS;
                progress.accept(now < measureStartNs ?
                    String.format("  warming up, %.0f s to go", (measureStartNs - now) / 1e9) :
                    String.format("  measuring %.0f / %.0f s", (now - measureStartNs) / 1e9, spec.durationNs() / 1e9));
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(measureEndNs, nextReportNs) - now);
        }
    }

    /** CPU of the server JVM while nothing is sent: only for blocking runs, where sleeping is the point. */
    private double measureIdleCpu() throws InterruptedException
    {
        if (spec.idle() != Idle.BLOCK || spec.idleWindowNs() <= 0)
        {
            return Double.NaN;
        }
        Thread.sleep(SETTLE_MS);
        final long startNs = System.nanoTime();
        final long cpuStartNs = ProcessStats.cpuNs(server.pid());
        TimeUnit.NANOSECONDS.sleep(spec.idleWindowNs());
        final long cpuEndNs = ProcessStats.cpuNs(server.pid());
        final long wallNs = System.nanoTime() - startNs;
        if (cpuStartNs < 0 || cpuEndNs < 0)
        {
            return Double.NaN;
        }
        return 100.0 * (cpuEndNs - cpuStartNs) / wallNs;
    }

    private ChildProcess track(final ChildProcess child)
    {
        LIVE.add(child);
        return child;
    }

    private void stopAll()
    {
        // Clients first: an Aeron or socket server must not see its clients vanish while it is closing.
        for (final ChildProcess client : clients)
        {
            client.exit(EXIT_TIMEOUT_MS);
            LIVE.remove(client);
        }
        if (server != null)
        {
            server.exit(EXIT_TIMEOUT_MS);
            LIVE.remove(server);
        }
    }

    static String value(final String line, final String key)
    {
        final String marker = " " + key + "=";
        final int start = line.indexOf(marker);
        if (start < 0)
        {
            throw new IllegalStateException("no " + key + " in child output: " + line);
        }
        final int from = start + marker.length();
        final int end = line.indexOf(' ', from);
        return end < 0 ? line.substring(from) : line.substring(from, end);
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long value : values)
        {
            total += value;
        }
        return total;
    }

    private static double us(final long ns)
    {
        return ns / NS_PER_US;
    }

    /**
     * Delete the run folders of harnesses that are no longer running (killed before their cleanup ran).
     *
     * @param root where run folders are created.
     */
    static void deleteStaleRunDirs(final Path root)
    {
        try (Stream<Path> paths = Files.list(root))
        {
            paths.filter(path -> isStale(path.getFileName().toString())).forEach(LoadRun::deleteTree);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // Best effort: a folder we cannot list or delete is left for the next run.
        }
    }

    static boolean isStale(final String name)
    {
        if (!name.startsWith(RUN_DIR_PREFIX))
        {
            return false;
        }
        final String rest = name.substring(RUN_DIR_PREFIX.length());
        final int dash = rest.indexOf('-');
        try
        {
            final long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return dash > 0 && ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }

    static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // Best effort: a file deleted concurrently by a child is fine.
        }
    }
}
