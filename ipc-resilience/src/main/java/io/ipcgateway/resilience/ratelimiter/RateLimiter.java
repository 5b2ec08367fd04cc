package io.ipcgateway.resilience.ratelimiter;

import java.time.Duration;

/**
 * A rate limiter with the behaviour of Resilience4j's {@code AtomicRateLimiter}: {@code limitForPeriod} permits
 * per refresh period, callers wait up to {@code timeoutDuration} for a permit, and permits can be reserved ahead
 * ({@link #reservePermission(int)} says how long to wait for them). Two implementations:
 * {@link LocalRateLimiter} ({@link #of}) for the threads of one process, and {@link SharedRateLimiter} for every
 * process of a host through a mapped file. Both are lock-free and allocate nothing per permit.
 */
public interface RateLimiter
{
    /** What {@link #reservePermission(int)} returns when the permits cannot come within the timeout. */
    long RESERVATION_REFUSED = PermitCycles.REFUSED;

    /**
     * Makes an in-process limiter on the system clock.
     *
     * @param name   the limiter's name, used in errors.
     * @param config its settings.
     * @return a new limiter with a full period of permits.
     */
    static RateLimiter of(final String name, final RateLimiterConfig config)
    {
        return LocalRateLimiter.of(name, config);
    }

    /**
     * Makes an in-process limiter on a given clock (tests move it by hand).
     *
     * @param name   the limiter's name, used in errors.
     * @param config its settings.
     * @param clock  the source of time; its reading now is the start of the first period.
     * @return a new limiter with a full period of permits.
     */
    static RateLimiter of(final String name, final RateLimiterConfig config, final NanoClock clock)
    {
        return LocalRateLimiter.of(name, config, clock);
    }

    /**
     * The limiter's name.
     *
     * @return the name.
     */
    String name();

    /**
     * The settings in force (they change with {@link #changeLimitForPeriod(int)} and
     * {@link #changeTimeoutDuration(Duration)}).
     *
     * @return the settings.
     */
    RateLimiterConfig config();

    /**
     * Takes one permit if one is available now, without waiting and without reserving.
     *
     * @return {@code true} when the permit was granted.
     */
    boolean tryAcquirePermission();

    /**
     * Takes {@code permits} permits if they are available now, without waiting and without reserving.
     *
     * @param permits permits wanted, at least 1.
     * @return {@code true} when they were granted.
     */
    boolean tryAcquirePermission(int permits);

    /**
     * Takes one permit, waiting for it up to the timeout.
     *
     * @return {@code true} when granted; {@code false} when it cannot come within the timeout or the thread was
     *         interrupted while waiting (its interrupt flag is then set again).
     */
    default boolean acquirePermission()
    {
        return acquirePermission(1);
    }

    /**
     * Takes {@code permits} permits, waiting for them up to the timeout.
     *
     * @param permits permits wanted, at least 1.
     * @return {@code true} when granted; {@code false} when they cannot come within the timeout or the thread was
     *         interrupted while waiting (its interrupt flag is then set again).
     */
    boolean acquirePermission(int permits);

    /**
     * Takes one permit, waiting for it up to the timeout, or throws.
     *
     * @throws RequestNotPermittedException (preallocated, no stack trace) when no permit comes in time.
     */
    default void acquirePermissionOrThrow()
    {
        if (!acquirePermission(1))
        {
            throw notPermittedException();
        }
    }

    /**
     * Reserves one permit without waiting; see {@link #reservePermission(int)}.
     *
     * @return 0, the nanoseconds to wait, or {@link #RESERVATION_REFUSED}.
     */
    default long reservePermission()
    {
        return reservePermission(1);
    }

    /**
     * Reserves {@code permits} permits if they can come within the timeout, and says when: the caller waits the
     * returned time itself (or schedules its call that far ahead).
     *
     * @param permits permits wanted, at least 1.
     * @return 0 when they are granted now, the nanoseconds to wait for them when they are reserved ahead, or
     *         {@link #RESERVATION_REFUSED} (negative) when they cannot come within the timeout (nothing is taken).
     */
    long reservePermission(int permits);

    /**
     * Takes every permission left in the current period (a downstream said "slow down").
     */
    void drainPermissions();

    /**
     * Changes the permits per period. As in Resilience4j, permissions already counted for the period last touched
     * stay; the new limit applies to every refill computed after the change.
     *
     * @param limitForPeriod 1 to {@link RateLimiterConfig#MAX_LIMIT_FOR_PERIOD}.
     */
    void changeLimitForPeriod(int limitForPeriod);

    /**
     * Changes how long later callers may wait for a permit.
     *
     * @param timeout 0 or more.
     */
    void changeTimeoutDuration(Duration timeout);

    /**
     * The permissions available now (negative when reserved ahead); an estimate under contention.
     *
     * @return the count.
     */
    int availablePermissions();

    /**
     * Threads waiting in {@link #acquirePermission(int)} now (for a shared limiter: in every process).
     *
     * @return the count.
     */
    int waitingThreads();

    /**
     * The exception a decorated call throws when refused: preallocated, without a stack trace.
     *
     * @return the limiter's exception.
     */
    RequestNotPermittedException notPermittedException();
}
