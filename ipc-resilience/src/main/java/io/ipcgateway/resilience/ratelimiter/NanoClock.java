package io.ipcgateway.resilience.ratelimiter;

/**
 * The source of time of a rate limiter: a monotonic count of nanoseconds, only ever compared with other readings
 * of the same clock. Production code uses {@link #SYSTEM} ({@link System#nanoTime()}, the monotonic clock that on
 * Linux all processes of one boot share); tests pass a clock they move by hand.
 */
@FunctionalInterface
public interface NanoClock
{
    /** {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    /**
     * Reads the clock.
     *
     * @return nanoseconds from an arbitrary origin; never goes backwards.
     */
    long nanoTime();
}
