package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;
import java.util.Objects;

import io.ipcgateway.resilience.shared.SharedStateFile;
import io.ipcgateway.resilience.shared.SharedStateKind;
import io.ipcgateway.resilience.shared.SharedStateOptions;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.LIMIT_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.ORIGIN_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.PERIOD_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.STATE_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.TIMEOUT_OFFSET;
import static io.ipcgateway.resilience.ratelimiter.SharedRateLimiterDescriptor.WAITING_OFFSET;

/**
 * One budget of permits per period for every process of the host: the same behaviour as {@link LocalRateLimiter},
 * with its state word in a mapped file (layout: {@link SharedRateLimiterDescriptor}) that every process opening the
 * same name maps. E.g. a downstream that allows 1000 requests/s in all: each process opens
 * {@code SharedRateLimiter.openOrCreate("downstream", config)} with 1000 per 1 s, and together they get 1000/s.
 * <p>
 * Updates are atomic operations on the mapped memory only (one compare-and-set per permit, in the loop of
 * {@link PermitWord} that {@link LocalRateLimiter} runs too): no lock, so a
 * process killed in the middle of a call leaves the limiter working for the others, and the file outlives the
 * processes, so a restarted process finds the budget where it was left. Periods are counted from the
 * {@link System#nanoTime()} reading of the process that created the file: on Linux that is the monotonic clock
 * every process of one boot shares. Keep the files on a {@code tmpfs} such as {@code /dev/shm} (the default), which
 * a reboot empties: a file kept across a reboot would count periods from a clock that restarted.
 * <p>
 * The refresh period is fixed by the file (processes configured with another period are refused); the limit and
 * the timeout are read from the file on every call: the creator's settings apply, and
 * {@link #changeLimitForPeriod(int)} / {@link #changeTimeoutDuration(Duration)} change them for every process.
 */
public final class SharedRateLimiter implements RateLimiter, AutoCloseable
{
    private final String name;
    private final SharedStateFile file;
    private final UnsafeBuffer body;
    private final Word state;
    private final NanoClock clock;
    private final long originNs;
    private final long periodNs;
    private final RequestNotPermittedException notPermitted;

    private SharedRateLimiter(final String name, final SharedStateFile file, final NanoClock clock)
    {
        this.name = name;
        this.file = file;
        this.body = file.buffer();
        this.state = new Word(body);
        this.clock = clock;
        this.originNs = body.getLongVolatile(ORIGIN_OFFSET);
        this.periodNs = body.getLongVolatile(PERIOD_OFFSET);
        this.notPermitted = new RequestNotPermittedException(name);
    }

    /**
     * Opens the shared limiter of this name in the default folder (see {@link SharedStateOptions}), creating it
     * with {@code config} when no process has yet.
     *
     * @param name   the name every process uses for this budget.
     * @param config the settings; a file that exists keeps its limit and timeout, and must have the same period.
     * @return the limiter; {@link #close()} it when done (the file stays).
     */
    public static SharedRateLimiter openOrCreate(final String name, final RateLimiterConfig config)
    {
        return openOrCreate(SharedStateOptions.defaults(), name, config);
    }

    /**
     * Opens or creates the shared limiter of this name in the folder of {@code options}.
     *
     * @param options where the file lives and who may use it.
     * @param name    the name every process uses for this budget.
     * @param config  the settings; a file that exists keeps its limit and timeout, and must have the same period.
     * @return the limiter; {@link #close()} it when done (the file stays).
     */
    public static SharedRateLimiter openOrCreate(
        final SharedStateOptions options, final String name, final RateLimiterConfig config)
    {
        return openOrCreate(options, name, config, NanoClock.SYSTEM);
    }

    /**
     * Opens or creates the shared limiter with a given clock. Every process sharing the file must read the same
     * clock: {@link NanoClock#SYSTEM} across processes; a hand-moved clock only within one process's tests.
     *
     * @param options where the file lives and who may use it.
     * @param name    the name every process uses for this budget.
     * @param config  the settings; a file that exists keeps its limit and timeout, and must have the same period.
     * @param clock   the source of time.
     * @return the limiter; {@link #close()} it when done (the file stays).
     */
    public static SharedRateLimiter openOrCreate(
        final SharedStateOptions options, final String name, final RateLimiterConfig config, final NanoClock clock)
    {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        final SharedStateFile file = SharedStateFile.openOrCreate(
            options, SharedStateKind.RATE_LIMITER, name, SharedRateLimiterDescriptor.BODY_LENGTH,
            SharedRateLimiterDescriptor.fingerprint(config.limitRefreshPeriodNs()),
            body ->
            {
                body.putLong(ORIGIN_OFFSET, clock.nanoTime());
                body.putLong(PERIOD_OFFSET, config.limitRefreshPeriodNs());
                body.putLong(TIMEOUT_OFFSET, config.timeoutNs());
                body.putInt(LIMIT_OFFSET, config.limitForPeriod());
                body.putLong(STATE_OFFSET, PermitCycles.initialState(config.limitForPeriod()));
            });
        return new SharedRateLimiter(name, file, clock);
    }

    /**
     * Deletes the file of a shared limiter (processes that have it open keep their mapping).
     *
     * @param options where the file lives.
     * @param name    the limiter's name.
     * @return {@code true} when a file was deleted.
     */
    public static boolean delete(final SharedStateOptions options, final String name)
    {
        return SharedStateFile.delete(options, SharedStateKind.RATE_LIMITER, name);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public RateLimiterConfig config()
    {
        return RateLimiterConfig.custom()
            .limitForPeriod(body.getIntVolatile(LIMIT_OFFSET))
            .limitRefreshPeriodNs(periodNs)
            .timeoutNs(body.getLongVolatile(TIMEOUT_OFFSET))
            .build();
    }

    @Override
    public boolean tryAcquirePermission()
    {
        return reserve(1, 0) == 0;
    }

    @Override
    public boolean tryAcquirePermission(final int permits)
    {
        return reserve(PermitCycles.checkPermits(permits), 0) == 0;
    }

    @Override
    public boolean acquirePermission(final int permits)
    {
        final long nanosToWait = reserve(PermitCycles.checkPermits(permits), body.getLongVolatile(TIMEOUT_OFFSET));
        if (nanosToWait == 0)
        {
            return true;
        }
        return nanosToWait > 0 && waitFor(nanosToWait);
    }

    @Override
    public long reservePermission(final int permits)
    {
        return reserve(PermitCycles.checkPermits(permits), body.getLongVolatile(TIMEOUT_OFFSET));
    }

    @Override
    public void drainPermissions()
    {
        state.drain(clock, originNs, periodNs, body.getIntVolatile(LIMIT_OFFSET));
    }

    @Override
    public void changeLimitForPeriod(final int limitForPeriod)
    {
        body.putIntVolatile(LIMIT_OFFSET, RateLimiterConfig.checkLimitForPeriod(limitForPeriod));
    }

    @Override
    public void changeTimeoutDuration(final Duration timeout)
    {
        body.putLongVolatile(TIMEOUT_OFFSET, RateLimiterConfig.checkDurationNs(
            "timeoutDuration", RateLimiterConfig.toNanos("timeoutDuration", timeout), 0));
    }

    @Override
    public int availablePermissions()
    {
        return state.available(clock, originNs, periodNs, body.getIntVolatile(LIMIT_OFFSET));
    }

    @Override
    public int waitingThreads()
    {
        return Math.max(0, body.getIntVolatile(WAITING_OFFSET));
    }

    @Override
    public RequestNotPermittedException notPermittedException()
    {
        return notPermitted;
    }

    /**
     * The mapped file.
     *
     * @return the file.
     */
    public SharedStateFile file()
    {
        return file;
    }

    /**
     * Unmaps the file; the file and the budget stay for the other processes. Do not use the limiter after.
     */
    @Override
    public void close()
    {
        file.close();
    }

    @Override
    public String toString()
    {
        return "SharedRateLimiter{name=" + name + ", file=" + file.path() + '}';
    }

    private long reserve(final int permits, final long timeoutNs)
    {
        return state.reserve(clock, originNs, periodNs, body.getIntVolatile(LIMIT_OFFSET), permits, timeoutNs);
    }

    private boolean waitFor(final long nanosToWait)
    {
        body.getAndAddInt(WAITING_OFFSET, 1);
        try
        {
            return PermitCycles.parkFor(clock, nanosToWait, this);
        }
        finally
        {
            body.getAndAddInt(WAITING_OFFSET, -1);
        }
    }

    /** The state word in the mapped file, updated only by atomic operations (a crash leaves it whole). */
    private static final class Word extends PermitWord
    {
        private final UnsafeBuffer body;

        Word(final UnsafeBuffer body)
        {
            this.body = body;
        }

        @Override
        long load()
        {
            return body.getLongVolatile(STATE_OFFSET);
        }

        @Override
        boolean compareAndSet(final long expected, final long next)
        {
            return body.compareAndSetLong(STATE_OFFSET, expected, next);
        }
    }
}
