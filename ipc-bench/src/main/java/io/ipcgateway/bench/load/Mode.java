package io.ipcgateway.bench.load;

import java.util.Locale;

/**
 * The traffic pattern of a run.
 */
public enum Mode
{
    /** Clients send as fast as they can; nothing comes back. Latency is one way, sampled. */
    ONEWAY,
    /** One client sends, waits for the echo, sends again: round-trip latency. */
    PINGPONG,
    /** Every client runs request/response in a closed loop against the one server. */
    RR;

    /**
     * Parse a command-line value.
     *
     * @param value {@code oneway}, {@code pingpong} or {@code rr}.
     * @return the mode.
     * @throws IllegalArgumentException naming the value when it is none of them.
     */
    public static Mode parse(final String value)
    {
        try
        {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--mode must be oneway, pingpong or rr, but was " + value, ex);
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
