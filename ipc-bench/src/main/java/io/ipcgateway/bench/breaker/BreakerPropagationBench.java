package io.ipcgateway.bench.breaker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.ipcgateway.bench.BenchCli;
import io.ipcgateway.bench.load.ChildProcess;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerState;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/ipc bench breaker-propagation}: how soon the other processes of a host see a shared circuit breaker
 * OPEN after one process's call trips it (issue 13: "within 1 ms").
 * <p>
 * This JVM is the tripper; {@code --pollers} child JVMs open the same {@link SharedCircuitBreaker} and call
 * {@code tryAcquirePermission()} in a loop. Each round the tripper resets the breaker to CLOSED, waits until every
 * poller has been permitted in it, pauses a random 0.2 .. 1 ms, then records {@code failures} errors: the last one
 * trips the breaker, and the {@link System#nanoTime()} read just before that call is the trip time. Each poller
 * records, per round, the time from the trip to its first refused {@code tryAcquirePermission()}; on Linux
 * {@code System.nanoTime()} is {@code CLOCK_MONOTONIC}, one clock for every process of the host, so the delay is
 * comparable across processes. The rounds are coordinated through a small mapped control file beside the breaker's
 * (round, trip time, and each poller's "permitted in round" and "saw OPEN in round"), never through the breaker.
 * <p>
 * A poller spins, so give it a core: with more pollers than idle cores the figures measure the scheduler.
 */
public final class BreakerPropagationBench
{
    /** The child role of a poller JVM. */
    public static final String POLLER_ROLE = "child-breaker-poller";
    /** What a poller prints once it has opened the breaker and the control file. */
    static final String READY = "READY";
    /** What a poller prints at the end, followed by its delays in nanoseconds, comma separated. */
    static final String DELAYS = "DELAYS";

    /** The most pollers accepted (each spins on a core). */
    public static final int MAX_POLLERS = 64;

    private static final String BREAKER = "propagation";
    private static final int ROUND_OFFSET = 0;
    private static final int TRIP_NS_OFFSET = 8;
    private static final int POLLER_SLOTS_OFFSET = 64;
    private static final int POLLER_SLOT_LENGTH = 64;
    private static final int PERMITTED_IN_SLOT = 0;
    private static final int OPEN_SEEN_IN_SLOT = 8;
    private static final int CONTROL_LENGTH = POLLER_SLOTS_OFFSET + MAX_POLLERS * POLLER_SLOT_LENGTH;
    private static final long STOP = -1;
    private static final int WINDOW = 10;
    private static final long ROUND_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private BreakerPropagationBench()
    {
    }

    /**
     * Runs the command: starts the pollers, trips and resets the breaker {@code --trips} times, prints the table.
     *
     * @param args the options (see {@code --help}).
     * @throws Exception when a poller cannot be started, fails or stops answering.
     */
    public static void main(final List<String> args) throws Exception
    {
        final Options options = BenchCli.parse(new Options(), args);
        System.err.printf("breaker-propagation: %d poller JVMs, %d trips%n", options.pollers, options.trips);
        System.out.print(format(execute(options.pollers, options.trips)));
    }

    /**
     * One run in a new folder under {@code /dev/shm} (or the temporary folder), deleted afterwards.
     *
     * @param pollers poller JVMs, 1 .. {@link #MAX_POLLERS}.
     * @param trips   trips measured, at least 1.
     * @return a row per poller, then one for all.
     * @throws Exception when a poller cannot be started, fails or stops answering.
     */
    public static List<Row> execute(final int pollers, final int trips) throws Exception
    {
        if (pollers < 1 || pollers > MAX_POLLERS)
        {
            throw new IllegalArgumentException("--pollers must be in [1, " + MAX_POLLERS + "], but was " + pollers);
        }
        if (trips < 1)
        {
            throw new IllegalArgumentException("--trips must be at least 1, but was " + trips);
        }
        final Path base = Files.isDirectory(Paths.get("/dev/shm")) ? Paths.get("/dev/shm") :
            Paths.get(System.getProperty("java.io.tmpdir"));
        final Path directory = Files.createTempDirectory(base, "ipc-breaker-propagation-");
        try
        {
            return run(pollers, trips, directory);
        }
        finally
        {
            deleteRecursively(directory);
        }
    }

    /**
     * The table of a run.
     *
     * @param rows the rows of {@link #execute}.
     * @return the lines, the last one for all pollers.
     */
    public static String format(final List<Row> rows)
    {
        final StringBuilder table = new StringBuilder();
        table.append(String.format("shared breaker OPEN seen by other JVMs: delay from the tripping call to the first"
            + " refused tryAcquirePermission()%n"));
        table.append(String.format("%-10s %8s %10s %10s %10s%n", "poller", "trips", "p50 us", "p99 us", "max us"));
        for (final Row row : rows)
        {
            table.append(String.format("%-10s %8d %10.1f %10.1f %10.1f%n", row.name(), row.trips(), row.p50Ns() / 1e3,
                row.p99Ns() / 1e3, row.maxNs() / 1e3));
        }
        return table.toString();
    }

    private static List<Row> run(final int pollerCount, final int trips, final Path directory) throws Exception
    {
        final Path control = directory.resolve("control");
        try (FileChannel channel = FileChannel.open(control, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(CONTROL_LENGTH));
        }
        final Path state = directory.resolve("state");
        final UnsafeBuffer buffer = map(control);
        final List<ChildProcess> pollers = new ArrayList<>();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open(BREAKER, config(), options(state)))
        {
            for (int i = 0; i < pollerCount; i++)
            {
                pollers.add(ChildProcess.start("poller-" + i, POLLER_ROLE,
                    List.of("--dir", directory.toString(), "--index", Integer.toString(i))));
            }
            for (final ChildProcess poller : pollers)
            {
                poller.await(READY, READY_TIMEOUT_NS);
            }
            final SplittableRandom random = new SplittableRandom(42);
            for (int round = 1; round <= trips; round++)
            {
                breaker.reset();
                buffer.putLongVolatile(ROUND_OFFSET, round);
                awaitPollers(buffer, pollerCount, PERMITTED_IN_SLOT, round, pollers);
                LockSupport.parkNanos(200_000 + random.nextLong(800_000));
                for (int call = 1; call < WINDOW; call++)
                {
                    breaker.onError(1, TimeUnit.MICROSECONDS);
                }
                final long tripNs = System.nanoTime();
                buffer.putLongVolatile(TRIP_NS_OFFSET, tripNs);
                breaker.onError(1, TimeUnit.MICROSECONDS);
                if (breaker.state() != CircuitBreakerState.OPEN)
                {
                    throw new IllegalStateException("the breaker did not trip after " + WINDOW + " errors: " +
                        breaker.state());
                }
                awaitPollers(buffer, pollerCount, OPEN_SEEN_IN_SLOT, round, pollers);
            }
            buffer.putLongVolatile(ROUND_OFFSET, STOP);
            final Histogram all = new Histogram(3);
            final List<Row> rows = new ArrayList<>();
            for (final ChildProcess poller : pollers)
            {
                final Histogram histogram = parseDelays(poller.await(DELAYS, READY_TIMEOUT_NS));
                all.add(histogram);
                rows.add(Row.of(poller.name(), histogram));
            }
            rows.add(Row.of("all", all));
            return rows;
        }
        finally
        {
            for (final ChildProcess poller : pollers)
            {
                poller.close();
            }
        }
    }

    /**
     * The role of a poller JVM: opens the breaker and the control file, then per round waits to be permitted, spins
     * on {@code tryAcquirePermission()} until refused, and records the delay from the trip time.
     *
     * @param args {@code --dir DIR --index I}.
     * @param out  where READY and the delays go.
     * @throws IOException when the control file cannot be mapped.
     */
    public static void poller(final List<String> args, final PrintStream out) throws IOException
    {
        final PollerOptions options = BenchCli.parse(new PollerOptions(), args);
        final Path directory = Paths.get(options.directory);
        final UnsafeBuffer buffer = map(directory.resolve("control"));
        final int slot = POLLER_SLOTS_OFFSET + options.index * POLLER_SLOT_LENGTH;
        final StringBuilder delays = new StringBuilder();
        try (SharedCircuitBreaker breaker = SharedCircuitBreaker.open(
            BREAKER, config(), options(directory.resolve("state"))))
        {
            out.println(READY);
            out.flush();
            long done = 0;
            while (true)
            {
                final long round = buffer.getLongVolatile(ROUND_OFFSET);
                if (round == STOP)
                {
                    break;
                }
                if (round == done)
                {
                    Thread.onSpinWait();
                    continue;
                }
                while (!breaker.tryAcquirePermission())
                {
                    Thread.onSpinWait();
                }
                buffer.putLongVolatile(slot + PERMITTED_IN_SLOT, round);
                while (breaker.tryAcquirePermission())
                {
                    Thread.onSpinWait();
                }
                final long seenNs = System.nanoTime();
                final long delayNs = seenNs - buffer.getLongVolatile(TRIP_NS_OFFSET);
                delays.append(delays.length() == 0 ? "" : ",").append(delayNs);
                buffer.putLongVolatile(slot + OPEN_SEEN_IN_SLOT, round);
                done = round;
            }
        }
        out.println(DELAYS + " " + delays);
        out.flush();
    }

    private static void awaitPollers(
        final UnsafeBuffer buffer, final int pollers, final int field, final long round, final List<ChildProcess> jvms)
    {
        final long deadline = System.nanoTime() + ROUND_TIMEOUT_NS;
        for (int i = 0; i < pollers; i++)
        {
            final int offset = POLLER_SLOTS_OFFSET + i * POLLER_SLOT_LENGTH + field;
            while (buffer.getLongVolatile(offset) != round)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException(jvms.get(i).name() + " did not " +
                        (field == PERMITTED_IN_SLOT ? "get a permit" : "see OPEN") + " in round " + round +
                        " within " + TimeUnit.NANOSECONDS.toSeconds(ROUND_TIMEOUT_NS) + " s");
                }
                Thread.onSpinWait();
            }
        }
    }

    private static CircuitBreakerConfig config()
    {
        // Trips at the WINDOW-th error of a fresh window; never leaves OPEN by itself during a round.
        return CircuitBreakerConfig.custom()
            .slidingWindow(WINDOW, WINDOW, SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofHours(1))
            .build();
    }

    private static SharedStateOptions options(final Path state)
    {
        return SharedStateOptions.builder().baseDirectory(state).build();
    }

    private static UnsafeBuffer map(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, CONTROL_LENGTH);
            return new UnsafeBuffer(mapped);
        }
    }

    private static Histogram parseDelays(final String line)
    {
        final Histogram histogram = new Histogram(3);
        final String values = line.substring(DELAYS.length()).trim();
        if (!values.isEmpty())
        {
            for (final String value : values.split(","))
            {
                final long delayNs = Long.parseLong(value);
                if (delayNs < 0)
                {
                    throw new IllegalStateException("a poller saw OPEN " + -delayNs + " ns before the trip: the"
                        + " processes do not share one monotonic clock");
                }
                histogram.recordValue(delayNs);
            }
        }
        return histogram;
    }

    private static void deleteRecursively(final Path directory) throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * The delays one poller (or all) saw.
     *
     * @param name  {@code poller-N} or {@code all}.
     * @param trips trips seen.
     * @param p50Ns median delay.
     * @param p99Ns 99th percentile.
     * @param maxNs largest.
     * @param minNs smallest.
     */
    public record Row(String name, long trips, long p50Ns, long p99Ns, long maxNs, long minNs)
    {
        static Row of(final String name, final Histogram histogram)
        {
            return new Row(name, histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99), histogram.getMaxValue(), histogram.getMinValue());
        }
    }

    /** The options of {@code bench breaker-propagation}. */
    @Command(name = "ipc bench breaker-propagation", sortOptions = false, description = "One JVM trips a shared"
        + " circuit breaker, others poll tryAcquirePermission(): the delay until each sees OPEN (p50, p99, max).")
    static final class Options
    {
        @Option(names = "--pollers", paramLabel = "N", defaultValue = "1", converter = BenchCli.PositiveInt.class,
            description = "poller JVMs, each spinning on a core (default: ${DEFAULT-VALUE}; at most " + MAX_POLLERS
                + ")")
        private int pollers;

        @Option(names = "--trips", paramLabel = "N", defaultValue = "500", converter = BenchCli.PositiveInt.class,
            description = "trips measured (default: ${DEFAULT-VALUE})")
        private int trips;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
        private boolean help;
    }

    /** The options of a poller JVM (internal). */
    @Command(name = "ipc bench " + POLLER_ROLE)
    static final class PollerOptions
    {
        @Option(names = "--dir", required = true, description = "the run's folder")
        private String directory;

        @Option(names = "--index", required = true, description = "the poller's slot in the control file")
        private int index;
    }
}
