package io.ipcgateway.resilience.circuitbreaker.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The current second of {@link System#nanoTime()} (CLOCK_MONOTONIC), kept in memory so that a time-window breaker
 * call reads one variable instead of the clock (a clock read costs about 20 ns on a virtual machine's kvm-clock,
 * more than the rest of the call). The {@link TransitionScheduler} thread moves it on just after each second
 * begins (one wake-up per second, from the first use on); callers that read the clock anyway may move it on too
 * ({@link #refresh()}), so a late scheduler thread cannot hold it back for long. It never goes backwards, and lags
 * the clock by the scheduler's wake-up latency at most (usually well under a millisecond): a call in those first
 * instants of a second counts in the second before.
 */
public final class SystemSeconds
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    // Wake a little after the second begins, so the tick never lands just before it.
    private static final long TICK_LATE_NS = 100_000L;
    private static final long NOT_STARTED = Long.MIN_VALUE;
    private static final AtomicLong SECOND = new AtomicLong(NOT_STARTED);

    private SystemSeconds()
    {
    }

    /**
     * The current second.
     *
     * @return {@code floorDiv(System.nanoTime(), 1e9)} as of the last tick or refresh.
     */
    public static long now()
    {
        final long second = SECOND.get();
        return second != NOT_STARTED ? second : start();
    }

    /**
     * Reads the clock and moves the second on if it is behind.
     *
     * @return the current second.
     */
    public static long refresh()
    {
        final long real = Math.floorDiv(System.nanoTime(), NANOS_PER_SECOND);
        while (true)
        {
            final long seen = SECOND.get();
            if (seen >= real || SECOND.compareAndSet(seen, real))
            {
                return Math.max(seen, real);
            }
        }
    }

    private static synchronized long start()
    {
        if (SECOND.get() == NOT_STARTED)
        {
            tick();
        }
        return SECOND.get();
    }

    private static void tick()
    {
        refresh();
        final long now = System.nanoTime();
        final long next = (Math.floorDiv(now, NANOS_PER_SECOND) + 1) * NANOS_PER_SECOND;
        TransitionScheduler.schedule(SystemSeconds::tick, next - now + TICK_LATE_NS);
    }
}
