package io.ipcgateway.resilience.ratelimiter;

/**
 * Layout of the body of a shared rate limiter's state file (after the header of
 * {@link io.ipcgateway.resilience.shared.SharedStateDescriptor}). Only this class knows the offsets.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  State: cycle (low 32 bits) | permissions (int), one long     | 0
 *  |  swapped by compare-and-set (see PermitCycles)                |
 *  +---------------------------------------------------------------+
 *  |  Padding to 64 (the state word has its cache line to itself)  | 8
 *  +---------------------------------------------------------------+
 *  |  Origin (System.nanoTime() at creation: CLOCK_MONOTONIC,      | 64
 *  |  shared by every process of one boot; periods start here)     |
 *  +---------------------------------------------------------------+
 *  |  Refresh period, ns (fixed: part of the file's fingerprint)   | 72
 *  +---------------------------------------------------------------+
 *  |  Timeout, ns (changeable at run time by any process)          | 80
 *  +---------------------------------------------------------------+
 *  |  Limit for period (int, changeable at run time)               | 88
 *  +---------------------------------------------------------------+
 *  |  Waiting threads, in all processes (int)                      | 92
 *  +---------------------------------------------------------------+
 *  |  Reserved up to 128                                           | 96
 *  +---------------------------------------------------------------+
 * </pre>
 * Every field is written with atomic or ordered operations only: no lock, so a process killed at any instruction
 * leaves a state every other process can go on with (a waiter killed while counted leaves the waiting count one
 * too high; it is a gauge, never used for a decision).
 */
public final class SharedRateLimiterDescriptor
{
    /** Offset of the state word (long). */
    public static final int STATE_OFFSET = 0;

    /** Offset of the origin of the periods, {@code System.nanoTime()} (long). */
    public static final int ORIGIN_OFFSET = 64;

    /** Offset of the refresh period in nanoseconds (long). */
    public static final int PERIOD_OFFSET = 72;

    /** Offset of the timeout in nanoseconds (long). */
    public static final int TIMEOUT_OFFSET = 80;

    /** Offset of the limit for period (int). */
    public static final int LIMIT_OFFSET = 88;

    /** Offset of the count of waiting threads (int). */
    public static final int WAITING_OFFSET = 92;

    /** Length of the body. */
    public static final int BODY_LENGTH = 128;

    private SharedRateLimiterDescriptor()
    {
    }

    /**
     * The fingerprint of the settings that shape the state: two processes may share a limiter file only when they
     * agree on the refresh period (the cycle numbers in the state word are counted in periods).
     *
     * @param periodNs the refresh period.
     * @return the fingerprint.
     */
    public static long fingerprint(final long periodNs)
    {
        return 0x4C49_4D49_5445_5231L ^ (periodNs * 0x9E37_79B9_7F4A_7C15L);
    }
}
