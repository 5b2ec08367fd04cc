package io.ipcgateway.resilience.ratelimiter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock the test moves by hand; readable from any thread.
 */
final class ManualClock implements NanoClock
{
    private final AtomicLong nanos;

    ManualClock(final long startNs)
    {
        nanos = new AtomicLong(startNs);
    }

    @Override
    public long nanoTime()
    {
        return nanos.get();
    }

    void advance(final long deltaNs)
    {
        nanos.addAndGet(deltaNs);
    }
}
