package io.ipcgateway.resilience.ratelimiter;

import java.util.concurrent.locks.LockSupport;

/**
 * The arithmetic of a cycle-based rate limiter, shared by the in-process and the shared-memory limiter, on a state
 * that fits one {@code long} so it can be swapped with one compare-and-set and allocate nothing.
 * <p>
 * Time since the limiter's origin is cut into cycles of one refresh period. The state holds the cycle it was last
 * written in and the permissions left in that cycle (negative when permissions were reserved ahead):
 * <pre>
 *   63                              32 31                               0
 *  +----------------------------------+----------------------------------+
 *  |  cycle, low 32 bits              |  permissions (signed int)        |
 *  +----------------------------------+----------------------------------+
 * </pre>
 * On the first use in a later cycle the permissions grow by {@code limitForPeriod} per elapsed cycle, capped at
 * {@code limitForPeriod}: the rule of Resilience4j's {@code AtomicRateLimiter}. The cycle is kept modulo
 * 2<sup>32</sup>, so elapsed cycles are counted modulo 2<sup>32</sup>: a limiter left unused for a multiple of
 * 2<sup>32</sup> periods (about 49 days at 1 ms) can see the refill of its first period after that pause delayed by
 * one period.
 */
final class PermitCycles
{
    /** Returned by a reservation that cannot be granted within the timeout. */
    static final long REFUSED = -1;

    /**
     * The lowest permission count a reservation may leave, so that counts never overflow 32 bits; a reservation
     * that would go below is refused (only reachable with huge timeouts and limits together).
     */
    static final long MIN_PERMISSIONS = Integer.MIN_VALUE / 2;

    private static final long LOW_32 = 0xFFFF_FFFFL;

    private PermitCycles()
    {
    }

    /**
     * The state of a fresh limiter: cycle 0, a full period's permissions.
     *
     * @param limitForPeriod permits per period.
     * @return the state word.
     */
    static long initialState(final int limitForPeriod)
    {
        return pack(0, limitForPeriod);
    }

    /**
     * Packs a cycle and a permission count into a state word.
     *
     * @param cycle       the cycle (only its low 32 bits are kept).
     * @param permissions the permissions left.
     * @return the state word.
     */
    static long pack(final long cycle, final long permissions)
    {
        return (cycle << 32) | (permissions & LOW_32);
    }

    /**
     * The cycle a state word was last written in.
     *
     * @param state the state word.
     * @return the cycle's low 32 bits.
     */
    static int cycleOf(final long state)
    {
        return (int)(state >>> 32);
    }

    /**
     * The permissions of a state word as they stand in a given cycle, after the refill of the cycles elapsed.
     *
     * @param state          the state word.
     * @param currentCycle   the cycle now.
     * @param limitForPeriod permits per period.
     * @return the permissions available now (negative when reserved ahead).
     */
    static int permissionsAt(final long state, final long currentCycle, final int limitForPeriod)
    {
        final int permissions = (int)state;
        final long elapsedCycles = ((int)currentCycle - cycleOf(state)) & LOW_32;
        if (elapsedCycles == 0)
        {
            return permissions;
        }
        return (int)Math.min(permissions + elapsedCycles * limitForPeriod, limitForPeriod);
    }

    /**
     * How long a caller must wait until {@code permits} permissions have accumulated.
     *
     * @param permits        permits wanted.
     * @param periodNs       refresh period.
     * @param limitForPeriod permits per period.
     * @param available      permissions available now (possibly negative).
     * @param nowNs          time since the origin.
     * @param currentCycle   {@code nowNs / periodNs}.
     * @return 0 when they are there now, else the nanoseconds to wait.
     */
    static long nanosToWait(
        final int permits,
        final long periodNs,
        final int limitForPeriod,
        final int available,
        final long nowNs,
        final long currentCycle)
    {
        if (available >= permits)
        {
            return 0;
        }
        final long nanosToNextCycle = (currentCycle + 1) * periodNs - nowNs;
        final long missingAfterNextRefill = (long)permits - available - limitForPeriod;
        if (missingAfterNextRefill <= 0)
        {
            return nanosToNextCycle;
        }
        final long fullCycles = (missingAfterNextRefill + limitForPeriod - 1) / limitForPeriod;
        if (fullCycles > (Long.MAX_VALUE - nanosToNextCycle) / periodNs)
        {
            return Long.MAX_VALUE;
        }
        return fullCycles * periodNs + nanosToNextCycle;
    }

    /**
     * Checks a permit count given by a caller.
     *
     * @param permits the count.
     * @return the count.
     * @throws IllegalArgumentException when it is below 1.
     */
    static int checkPermits(final int permits)
    {
        if (permits < 1)
        {
            throw new IllegalArgumentException("permits=" + permits + ", must be at least 1");
        }
        return permits;
    }

    /**
     * Parks the calling thread until {@code nanosToWait} have passed on {@code clock}, the wait of a reservation.
     *
     * @param clock      the limiter's clock.
     * @param nanosToWait how long to wait, from now.
     * @param blocker    the object the thread parks on (the limiter), for thread dumps.
     * @return {@code true} when the time has passed; {@code false} when the thread was interrupted (its interrupt
     *         flag is set again).
     */
    static boolean parkFor(final NanoClock clock, final long nanosToWait, final Object blocker)
    {
        final long deadline = clock.nanoTime() + nanosToWait;
        long remaining = nanosToWait;
        while (remaining > 0)
        {
            LockSupport.parkNanos(blocker, remaining);
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                return false;
            }
            remaining = deadline - clock.nanoTime();
        }
        return true;
    }
}
