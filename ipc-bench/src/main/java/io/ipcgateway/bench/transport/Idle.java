package io.ipcgateway.bench.transport;

import java.util.Locale;

/**
 * How a side waits when it has nothing to read.
 */
public enum Idle
{
    /** Busy spin: lowest latency, a full core per waiting thread. */
    SPIN,
    /** The transport's natural blocking or backing-off wait: Agrona/Aeron back off, sockets block, ours sleeps. */
    BLOCK;

    /**
     * Parse a command-line value.
     *
     * @param value {@code spin} or {@code block}.
     * @return the idle mode.
     * @throws IllegalArgumentException naming the value when it is neither.
     */
    public static Idle parse(final String value)
    {
        try
        {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--idle must be spin or block, but was " + value, ex);
        }
    }

    /**
     * The lower-case name used on the command line and in JSON.
     *
     * @return the name.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
