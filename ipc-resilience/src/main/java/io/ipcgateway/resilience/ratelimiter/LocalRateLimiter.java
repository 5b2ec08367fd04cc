package io.ipcgateway.resilience.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rate limiter for the threads of one process, with the behaviour of Resilience4j's {@code AtomicRateLimiter}:
 * {@code limitForPeriod} permits per refresh period, callers wait up to {@code timeoutDuration} for a permit, and a
 * permit can be reserved ahead ({@link #reservePermission(int)} says how long to wait for it).
 * <p>
 * The state is one {@code long} (see {@link PermitCycles}) swapped by compare-and-set (the loop is
 * {@link PermitWord}'s, shared with {@link SharedRateLimiter}): no lock, and a granted or refused permit allocates
 * nothing. Periods start at the clock reading taken when the limiter is made.
 * <p>
 * Differences from Resilience4j, on purpose:
 * <ul>
 *     <li>{@link #acquirePermission(int)} returns {@code false} at once when the permit cannot come within the
 *     timeout; Resilience4j first sleeps the whole timeout, which only delays a certain refusal;</li>
 *     <li>{@link #drainPermissions()} leaves no permission in the current period; Resilience4j's takes as many as
 *     were left when the period was last touched, so after an idle period it can leave some;</li>
 *     <li>a reservation that would push the count of permissions reserved ahead below
 *     {@code Integer.MIN_VALUE / 2} is refused (Resilience4j's int would overflow);</li>
 *     <li>no events and no registry (nothing in this module's users needs them yet).</li>
 * </ul>
 */
public final class LocalRateLimiter implements RateLimiter
{
    private final String name;
    private final NanoClock clock;
    private final long originNs;
    private final AtomicReference<RateLimiterConfig> config;
    private final Word state;
    private final AtomicInteger waitingThreads = new AtomicInteger();
    private final RequestNotPermittedException notPermitted;

    private LocalRateLimiter(final String name, final RateLimiterConfig config, final NanoClock clock)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = new AtomicReference<>(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.originNs = clock.nanoTime();
        this.state = new Word(PermitCycles.initialState(config.limitForPeriod()));
        this.notPermitted = new RequestNotPermittedException(name);
    }

    /**
     * Makes a limiter on the system clock.
     *
     * @param name   the limiter's name, used in errors.
     * @param config its settings.
     * @return a new limiter with a full period of permits.
     */
    public static LocalRateLimiter of(final String name, final RateLimiterConfig config)
    {
        return new LocalRateLimiter(name, config, NanoClock.SYSTEM);
    }

    /**
     * Makes a limiter on a given clock (tests move it by hand).
     *
     * @param name   the limiter's name, used in errors.
     * @param config its settings.
     * @param clock  the source of time; its reading now is the start of the first period.
     * @return a new limiter with a full period of permits.
     */
    public static LocalRateLimiter of(final String name, final RateLimiterConfig config, final NanoClock clock)
    {
        return new LocalRateLimiter(name, config, clock);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public RateLimiterConfig config()
    {
        return config.get();
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
        final long nanosToWait = reserve(PermitCycles.checkPermits(permits), config.get().timeoutNs());
        if (nanosToWait == 0)
        {
            return true;
        }
        return nanosToWait > 0 && waitFor(nanosToWait);
    }

    @Override
    public long reservePermission(final int permits)
    {
        return reserve(PermitCycles.checkPermits(permits), config.get().timeoutNs());
    }

    @Override
    public void drainPermissions()
    {
        final RateLimiterConfig settings = config.get();
        state.drain(clock, originNs, settings.limitRefreshPeriodNs(), settings.limitForPeriod());
    }

    @Override
    public void changeLimitForPeriod(final int limitForPeriod)
    {
        RateLimiterConfig.checkLimitForPeriod(limitForPeriod);
        config.updateAndGet(c -> RateLimiterConfig.from(c).limitForPeriod(limitForPeriod).build());
    }

    @Override
    public void changeTimeoutDuration(final Duration timeout)
    {
        final long timeoutNs = RateLimiterConfig.checkDurationNs(
            "timeoutDuration", RateLimiterConfig.toNanos("timeoutDuration", timeout), 0);
        config.updateAndGet(c -> RateLimiterConfig.from(c).timeoutNs(timeoutNs).build());
    }

    @Override
    public int availablePermissions()
    {
        final RateLimiterConfig settings = config.get();
        return state.available(clock, originNs, settings.limitRefreshPeriodNs(), settings.limitForPeriod());
    }

    @Override
    public int waitingThreads()
    {
        return waitingThreads.get();
    }

    @Override
    public RequestNotPermittedException notPermittedException()
    {
        return notPermitted;
    }

    @Override
    public String toString()
    {
        return "RateLimiter{name=" + name + ", config=" + config.get() + '}';
    }

    private long reserve(final int permits, final long timeoutNs)
    {
        final RateLimiterConfig settings = config.get();
        return state.reserve(
            clock, originNs, settings.limitRefreshPeriodNs(), settings.limitForPeriod(), permits, timeoutNs);
    }

    private boolean waitFor(final long nanosToWait)
    {
        waitingThreads.incrementAndGet();
        try
        {
            return PermitCycles.parkFor(clock, nanosToWait, this);
        }
        finally
        {
            waitingThreads.decrementAndGet();
        }
    }

    /** The state word, a field of its own swapped through a {@link VarHandle}. */
    private static final class Word extends PermitWord
    {
        private static final VarHandle VALUE;

        static
        {
            try
            {
                VALUE = MethodHandles.lookup().findVarHandle(Word.class, "value", long.class);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new ExceptionInInitializerError(ex);
            }
        }

        @SuppressWarnings("unused") // read and written through VALUE only
        private volatile long value;

        Word(final long initial)
        {
            value = initial;
        }

        @Override
        long load()
        {
            return value;
        }

        @Override
        boolean compareAndSet(final long expected, final long next)
        {
            return VALUE.compareAndSet(this, expected, next);
        }
    }
}
