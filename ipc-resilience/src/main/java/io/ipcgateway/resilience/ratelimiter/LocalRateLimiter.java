package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rate limiter for the threads of one process, with the behaviour of Resilience4j's {@code AtomicRateLimiter}:
 * {@code limitForPeriod} permits per refresh period, callers wait up to {@code timeoutDuration} for a permit, and a
 * permit can be reserved ahead ({@link #reservePermission(int)} says how long to wait for it).
 * <p>
 * The state is one {@code long} (see {@link PermitCycles}) swapped by compare-and-set: no lock, and a granted or
 * refused permit allocates nothing. Periods start at the clock reading taken when the limiter is made.
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
    private final AtomicLong state;
    private final AtomicInteger waitingThreads = new AtomicInteger();
    private final RequestNotPermittedException notPermitted;

    private LocalRateLimiter(final String name, final RateLimiterConfig config, final NanoClock clock)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.config = new AtomicReference<>(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.originNs = clock.nanoTime();
        this.state = new AtomicLong(PermitCycles.initialState(config.limitForPeriod()));
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
        while (true)
        {
            final RateLimiterConfig settings = config.get();
            final long nowNs = clock.nanoTime() - originNs;
            final long cycle = nowNs / settings.limitRefreshPeriodNs();
            final long current = state.get();
            final int available = PermitCycles.permissionsAt(current, cycle, settings.limitForPeriod());
            if (state.compareAndSet(current, PermitCycles.pack(cycle, Math.min(available, 0))))
            {
                return;
            }
        }
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
        final long cycle = (clock.nanoTime() - originNs) / settings.limitRefreshPeriodNs();
        return PermitCycles.permissionsAt(state.get(), cycle, settings.limitForPeriod());
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
        final long periodNs = settings.limitRefreshPeriodNs();
        final int limitForPeriod = settings.limitForPeriod();
        while (true)
        {
            final long nowNs = clock.nanoTime() - originNs;
            final long cycle = nowNs / periodNs;
            final long current = state.get();
            final int available = PermitCycles.permissionsAt(current, cycle, limitForPeriod);
            final long nanosToWait = PermitCycles.nanosToWait(
                permits, periodNs, limitForPeriod, available, nowNs, cycle);
            final long left = (long)available - permits;
            if (nanosToWait > timeoutNs || left < PermitCycles.MIN_PERMISSIONS)
            {
                // A refusal still records the refill of a new period, as Resilience4j does: a limit changed
                // later must not apply to periods that have already begun.
                final long refreshed = PermitCycles.pack(cycle, available);
                if (refreshed == current || state.compareAndSet(current, refreshed))
                {
                    return RESERVATION_REFUSED;
                }
            }
            else if (state.compareAndSet(current, PermitCycles.pack(cycle, left)))
            {
                return nanosToWait;
            }
        }
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
}
