package io.ipcgateway.resilience.circuitbreaker;

/**
 * The monotonic clock a breaker measures calls and waits with. {@link #SYSTEM} is {@link System#nanoTime()}
 * (CLOCK_MONOTONIC on Linux: shared by every process of one boot, never jumps); tests use a {@link ManualClock}.
 */
@FunctionalInterface
public interface NanoClock
{
    /** The system's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    /**
     * The time now.
     *
     * @return nanoseconds from an arbitrary origin, never decreasing.
     */
    long nanoTime();
}
