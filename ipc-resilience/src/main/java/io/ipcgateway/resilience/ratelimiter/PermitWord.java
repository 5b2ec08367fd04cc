package io.ipcgateway.resilience.ratelimiter;

/**
 * The operations of both rate limiters on their state word (layout and arithmetic: {@link PermitCycles}), written
 * once: a subclass only says where the word lives ({@link LocalRateLimiter}'s field, {@link SharedRateLimiter}'s
 * mapped file) through {@link #load()} and {@link #compareAndSet(long, long)}.
 * <p>
 * A caller's clock reading must never be older than the cycle in the word it acts on: a caller that read the clock,
 * was preempted, and then found a word another caller had already moved to the next cycle would otherwise count
 * the cycles from the next one back to its own as 2<sup>32</sup> - 1 elapsed ones and refill the word a second time
 * (granting a period's permits twice). So the clock is read first (the common case, where the word is in the
 * caller's cycle, needs nothing more), and whenever the word is in another cycle the word is read again and then
 * the clock, in that order: the clock is monotonic and the word's cycle was computed from a reading taken before it
 * was written, so the caller's cycle is then at least the word's.
 * <p>
 * A failed compare-and-set retries with the word read again, and reads the clock again only when that word is in
 * another cycle; the period and the limit are the caller's, read once per call.
 */
abstract class PermitWord
{
    /**
     * Reads the state word with volatile semantics.
     *
     * @return the word.
     */
    abstract long load();

    /**
     * Swaps the state word atomically.
     *
     * @param expected the word the caller read.
     * @param next     the word to write.
     * @return {@code true} when the word was {@code expected} and is now {@code next}.
     */
    abstract boolean compareAndSet(long expected, long next);

    /**
     * Takes {@code permits} permits now or reserves them ahead when they come within {@code timeoutNs}.
     *
     * @param clock          the limiter's clock.
     * @param originNs       the clock reading where cycle 0 starts.
     * @param periodNs       the refresh period.
     * @param limitForPeriod permits per period.
     * @param permits        permits wanted, at least 1.
     * @param timeoutNs      the longest wait the caller accepts (0: only permits available now).
     * @return 0 when granted now, the nanoseconds to wait when reserved, {@link PermitCycles#REFUSED} otherwise
     *         (nothing taken; the refill of a new cycle is still recorded, as Resilience4j does, so that a limit
     *         changed later does not apply to cycles that have already begun).
     */
    final long reserve(
        final NanoClock clock,
        final long originNs,
        final long periodNs,
        final int limitForPeriod,
        final int permits,
        final long timeoutNs)
    {
        long nowNs = clock.nanoTime() - originNs;
        long cycle = nowNs / periodNs;
        long current = load();
        while (true)
        {
            if (PermitCycles.cycleOf(current) != (int)cycle)
            {
                current = load();
                nowNs = clock.nanoTime() - originNs;
                cycle = nowNs / periodNs;
            }
            final int available = PermitCycles.permissionsAt(current, cycle, limitForPeriod);
            final long nanosToWait = PermitCycles.nanosToWait(
                permits, periodNs, limitForPeriod, available, nowNs, cycle);
            final long left = (long)available - permits;
            if (nanosToWait > timeoutNs || left < PermitCycles.MIN_PERMISSIONS)
            {
                final long refreshed = PermitCycles.pack(cycle, available);
                if (refreshed == current || compareAndSet(current, refreshed))
                {
                    return PermitCycles.REFUSED;
                }
            }
            else if (compareAndSet(current, PermitCycles.pack(cycle, left)))
            {
                return nanosToWait;
            }
            current = load();
        }
    }

    /**
     * Leaves no permission in the current cycle (permits reserved ahead stay reserved).
     *
     * @param clock          the limiter's clock.
     * @param originNs       the clock reading where cycle 0 starts.
     * @param periodNs       the refresh period.
     * @param limitForPeriod permits per period.
     */
    final void drain(final NanoClock clock, final long originNs, final long periodNs, final int limitForPeriod)
    {
        while (true)
        {
            final long current = load();
            final long cycle = (clock.nanoTime() - originNs) / periodNs;
            final int available = PermitCycles.permissionsAt(current, cycle, limitForPeriod);
            if (compareAndSet(current, PermitCycles.pack(cycle, Math.min(available, 0))))
            {
                return;
            }
        }
    }

    /**
     * The permissions available now.
     *
     * @param clock          the limiter's clock.
     * @param originNs       the clock reading where cycle 0 starts.
     * @param periodNs       the refresh period.
     * @param limitForPeriod permits per period.
     * @return the count (negative when reserved ahead).
     */
    final int available(final NanoClock clock, final long originNs, final long periodNs, final int limitForPeriod)
    {
        final long current = load();
        final long cycle = (clock.nanoTime() - originNs) / periodNs;
        return PermitCycles.permissionsAt(current, cycle, limitForPeriod);
    }
}
