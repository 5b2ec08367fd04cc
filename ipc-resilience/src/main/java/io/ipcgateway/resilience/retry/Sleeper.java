package io.ipcgateway.resilience.retry;

import java.util.concurrent.locks.LockSupport;

/**
 * How a synchronous retry waits between attempts; tests pass one that records the waits instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper
{
    /** Parks the calling thread for the whole wait (unless interrupted). */
    Sleeper PARK = nanos ->
    {
        final long deadline = System.nanoTime() + nanos;
        long remaining = nanos;
        while (remaining > 0)
        {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted())
            {
                throw new InterruptedException("interrupted while waiting to retry");
            }
            remaining = deadline - System.nanoTime();
        }
    };

    /**
     * Waits.
     *
     * @param nanos how long.
     * @throws InterruptedException when the thread is interrupted while waiting.
     */
    void sleep(long nanos) throws InterruptedException;
}
