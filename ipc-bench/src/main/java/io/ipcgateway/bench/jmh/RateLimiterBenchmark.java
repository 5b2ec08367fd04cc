package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.ipcgateway.resilience.ratelimiter.LocalRateLimiter;
import io.ipcgateway.resilience.ratelimiter.RateLimiterConfig;
import io.ipcgateway.resilience.ratelimiter.SharedRateLimiter;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A granted rate-limiter permit: ours in-process ({@link LocalRateLimiter}), ours shared between processes
 * ({@link SharedRateLimiter}, a mapped file) and Resilience4j 2.4.0's {@code AtomicRateLimiter}, with the same
 * settings, on 1 thread and on 2 threads sharing one limiter. The limit is so high that every call is granted
 * (a period of 1 s holds 2^29 permits), so this measures the permit path, not waiting. {@link #clockOnly()} is
 * {@link System#nanoTime()} alone: every limiter here reads the clock once per permit (the count of permits per
 * period is exact only so), so that row is the floor of the others on the machine measured.
 * <p>
 * Run: {@code bin/ipc bench jmh RateLimiterBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class RateLimiterBenchmark
{
    private LocalRateLimiter ours;
    private SharedRateLimiter shared;
    private AtomicRateLimiter resilience4j;
    private Path sharedDirectory;

    /**
     * Makes the three limiters with the same settings.
     *
     * @throws IOException when the shared limiter's folder cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final int limit = RateLimiterConfig.MAX_LIMIT_FOR_PERIOD;
        final RateLimiterConfig config = RateLimiterConfig.custom().limitForPeriod(limit)
            .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutNs(0).build();
        ours = LocalRateLimiter.of("jmh", config);
        final Path base = Files.isDirectory(Paths.get("/dev/shm")) ? Paths.get("/dev/shm") :
            Paths.get(System.getProperty("java.io.tmpdir"));
        sharedDirectory = Files.createTempDirectory(base, "ipc-jmh-limiter-");
        shared = SharedRateLimiter.openOrCreate(
            SharedStateOptions.builder().baseDirectory(sharedDirectory.resolve("state")).build(), "jmh", config);
        resilience4j = new AtomicRateLimiter("jmh", io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
            .limitForPeriod(limit).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
    }

    /**
     * Unmaps and deletes the shared limiter's file and folder.
     *
     * @throws IOException when they cannot be deleted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        shared.close();
        try (Stream<Path> paths = Files.walk(sharedDirectory))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }

    /**
     * Ours, in-process, one thread.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(1)
    public boolean oursOneThread()
    {
        return ours.acquirePermission();
    }

    /**
     * Ours, in-process, two threads sharing the limiter.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(2)
    public boolean oursTwoThreads()
    {
        return ours.acquirePermission();
    }

    /**
     * Ours, shared through a mapped file, one thread.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(1)
    public boolean sharedOneThread()
    {
        return shared.acquirePermission();
    }

    /**
     * Ours, shared through a mapped file, two threads.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(2)
    public boolean sharedTwoThreads()
    {
        return shared.acquirePermission();
    }

    /**
     * The clock reading every permit of the three limiters costs, alone: their floor.
     *
     * @return the reading.
     */
    @Benchmark
    @Threads(1)
    public long clockOnly()
    {
        return System.nanoTime();
    }

    /**
     * Resilience4j's {@code AtomicRateLimiter}, one thread.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(1)
    public boolean resilience4jOneThread()
    {
        return resilience4j.acquirePermission();
    }

    /**
     * Resilience4j's {@code AtomicRateLimiter}, two threads sharing the limiter.
     *
     * @return granted.
     */
    @Benchmark
    @Threads(2)
    public boolean resilience4jTwoThreads()
    {
        return resilience4j.acquirePermission();
    }
}
