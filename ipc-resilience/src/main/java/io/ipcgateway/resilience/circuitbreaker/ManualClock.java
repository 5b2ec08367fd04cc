package io.ipcgateway.resilience.circuitbreaker;

import java.util.concurrent.TimeUnit;

/**
 * A clock that only moves when told to, for tests: deterministic waits in OPEN and time windows. Thread-safe.
 */
public final class ManualClock implements NanoClock
{
    private volatile long nanos;

    /**
     * A clock at the given time.
     *
     * @param startNanos the time, in nanoseconds.
     */
    public ManualClock(final long startNanos)
    {
        this.nanos = startNanos;
    }

    @Override
    public long nanoTime()
    {
        return nanos;
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far, not negative.
     * @param unit   its unit.
     * @return the new time in nanoseconds.
     */
    public synchronized long advance(final long amount, final TimeUnit unit)
    {
        if (amount < 0)
        {
            throw new IllegalArgumentException("amount=" + amount + ": a monotonic clock never goes back");
        }
        nanos += unit.toNanos(amount);
        return nanos;
    }
}
