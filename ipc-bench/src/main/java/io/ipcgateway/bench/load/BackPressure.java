package io.ipcgateway.bench.load;

/**
 * What a sender does while the receiver's ring (or socket buffer) is full, the same for every transport: spin a
 * little, then yield the core, since on a machine with fewer cores than senders the receiver may be waiting for
 * exactly that core.
 */
public final class BackPressure
{
    /** Failed attempts spent spinning before yielding. */
    public static final int SPINS_BEFORE_YIELD = 64;

    private BackPressure()
    {
    }

    /**
     * Pause after a failed send attempt.
     *
     * @param attempt how many attempts of this send already failed, from 0.
     */
    public static void pause(final int attempt)
    {
        if (attempt < SPINS_BEFORE_YIELD)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
    }
}
