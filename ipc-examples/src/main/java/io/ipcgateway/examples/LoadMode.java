package io.ipcgateway.examples;

import java.util.Locale;

/**
 * What the load client sends and what its latency figures measure.
 */
public enum LoadMode
{
    /** One-way messages: latency is the time to offer a message; the server's count confirms delivery. */
    ONEWAY("offer"),

    /** Request/response: latency is the round trip; every response confirms its request. */
    RR("round trip");

    private final String latencyMeaning;

    LoadMode(final String latencyMeaning)
    {
        this.latencyMeaning = latencyMeaning;
    }

    /**
     * What one latency sample measures in this mode, for reports.
     *
     * @return a short phrase such as {@code "round trip"}.
     */
    public String latencyMeaning()
    {
        return latencyMeaning;
    }

    /**
     * The name as typed on the command line.
     *
     * @return the lower-case name, e.g. {@code "oneway"}.
     */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
