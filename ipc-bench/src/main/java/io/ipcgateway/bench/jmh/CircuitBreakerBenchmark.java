package io.ipcgateway.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.CircuitBreakerConfig;
import io.ipcgateway.resilience.circuitbreaker.SharedCircuitBreaker;
import io.ipcgateway.resilience.circuitbreaker.SlidingWindowType;
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
 * One breaker call (permission, then a success of 100 ns recorded) and one rejection, ours beside Resilience4j
 * 2.4.0 in the same run: CLOSED count window on 1 and 2 threads sharing one breaker, CLOSED time window, OPEN
 * rejection (boolean and throwing paths), and the {@link SharedCircuitBreaker} (state in a mapped file under
 * {@code /dev/shm}). Both use their default windows of 100 (calls, or seconds for the time window).
 * <p>
 * Run: {@code bin/ipc bench jmh CircuitBreakerBenchmark -prof gc}; {@code gc.alloc.rate.norm} must be 0 B/op for
 * every {@code ours*} row.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class CircuitBreakerBenchmark
{
    private static final long CALL_NS = 100;

    private CircuitBreaker ours;
    private CircuitBreaker oursTime;
    private CircuitBreaker oursOpen;
    private SharedCircuitBreaker oursShared;
    private SharedCircuitBreaker oursSharedOpen;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker theirs;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker theirsTime;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker theirsOpen;
    private Path sharedDirectory;

    /**
     * Makes the breakers: CLOSED ones that never open (every call succeeds), OPEN ones that wait an hour.
     *
     * @throws IOException when the shared folder cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        ours = CircuitBreaker.of("count", CircuitBreakerConfig.ofDefaults());
        oursTime = CircuitBreaker.of("time", CircuitBreakerConfig.custom()
            .slidingWindowType(SlidingWindowType.TIME_BASED).build());
        final CircuitBreakerConfig openConfig = CircuitBreakerConfig.custom()
            .waitDurationInOpenState(Duration.ofHours(1)).build();
        oursOpen = CircuitBreaker.of("open", openConfig);
        oursOpen.transitionToOpenState();
        final Path shm = Paths.get("/dev/shm");
        sharedDirectory = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get(
            System.getProperty("java.io.tmpdir")), "ipc-bench-breaker-");
        final SharedStateOptions options = SharedStateOptions.builder()
            .baseDirectory(sharedDirectory.resolve("state")).build();
        oursShared = SharedCircuitBreaker.open("shared", CircuitBreakerConfig.ofDefaults(), options);
        oursSharedOpen = SharedCircuitBreaker.open("shared-open", openConfig, options);
        oursSharedOpen.transitionToOpenState();

        theirs = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("count");
        theirsTime = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("time",
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom().slidingWindowType(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.TIME_BASED).build());
        theirsOpen = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("open",
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .waitDurationInOpenState(Duration.ofHours(1)).build());
        theirsOpen.transitionToOpenState();
    }

    /**
     * Unmaps and removes the shared breakers' files.
     *
     * @throws IOException when a file cannot be removed.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        oursShared.close();
        oursSharedOpen.close();
        final Path state = sharedDirectory.resolve("state");
        try (var files = Files.list(state))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.delete(file);
            }
        }
        Files.delete(state);
        Files.delete(sharedDirectory);
    }

    /**
     * Ours: CLOSED count window, one call.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    public boolean oursClosedCount()
    {
        return call(ours);
    }

    /**
     * Ours: CLOSED count window, two threads sharing the breaker.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    @Threads(2)
    public boolean oursClosedCount2Threads()
    {
        return call(ours);
    }

    /**
     * Ours: CLOSED time window, one call.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    public boolean oursClosedTime()
    {
        return call(oursTime);
    }

    /**
     * Ours: OPEN rejection, boolean path.
     *
     * @return false.
     */
    @Benchmark
    public boolean oursOpenReject()
    {
        return oursOpen.tryAcquirePermission();
    }

    /**
     * Ours: OPEN rejection, throwing path (the preallocated exception).
     *
     * @return the exception.
     */
    @Benchmark
    public Object oursOpenRejectThrow()
    {
        try
        {
            oursOpen.acquirePermission();
            return null;
        }
        catch (final io.ipcgateway.resilience.circuitbreaker.CallNotPermittedException ex)
        {
            return ex;
        }
    }

    /**
     * Ours, shared in a mapped file: CLOSED count window, one call.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    public boolean oursSharedClosedCount()
    {
        return call(oursShared);
    }

    /**
     * Ours, shared: CLOSED count window, two threads.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    @Threads(2)
    public boolean oursSharedClosedCount2Threads()
    {
        return call(oursShared);
    }

    /**
     * Ours, shared: OPEN rejection.
     *
     * @return false.
     */
    @Benchmark
    public boolean oursSharedOpenReject()
    {
        return oursSharedOpen.tryAcquirePermission();
    }

    /**
     * Resilience4j: CLOSED count window, one call.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    public boolean r4jClosedCount()
    {
        return call(theirs);
    }

    /**
     * Resilience4j: CLOSED count window, two threads sharing the breaker.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    @Threads(2)
    public boolean r4jClosedCount2Threads()
    {
        return call(theirs);
    }

    /**
     * Resilience4j: CLOSED time window, one call.
     *
     * @return whether it was permitted.
     */
    @Benchmark
    public boolean r4jClosedTime()
    {
        return call(theirsTime);
    }

    /**
     * Resilience4j: OPEN rejection, boolean path.
     *
     * @return false.
     */
    @Benchmark
    public boolean r4jOpenReject()
    {
        return theirsOpen.tryAcquirePermission();
    }

    /**
     * Resilience4j: OPEN rejection, throwing path.
     *
     * @return the exception.
     */
    @Benchmark
    public Object r4jOpenRejectThrow()
    {
        try
        {
            theirsOpen.acquirePermission();
            return null;
        }
        catch (final CallNotPermittedException ex)
        {
            return ex;
        }
    }

    private static boolean call(final CircuitBreaker breaker)
    {
        if (breaker.tryAcquirePermission())
        {
            breaker.onSuccess(CALL_NS, TimeUnit.NANOSECONDS);
            return true;
        }
        return false;
    }

    private static boolean call(final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker)
    {
        if (breaker.tryAcquirePermission())
        {
            breaker.onSuccess(CALL_NS, TimeUnit.NANOSECONDS);
            return true;
        }
        return false;
    }
}
