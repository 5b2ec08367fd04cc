package io.ipcgateway.resilience.shared;

/**
 * What a shared state file holds. The code is written into the header ({@link SharedStateDescriptor#KIND_OFFSET})
 * and checked on open; the suffix makes the file name, so a breaker and a limiter of the same name never collide.
 */
public enum SharedStateKind
{
    /** The state and sliding window of a {@code SharedCircuitBreaker}. */
    CIRCUIT_BREAKER(1, ".breaker"),

    /** The permit budget of a {@code SharedRateLimiter}. */
    RATE_LIMITER(2, ".limiter");

    private final int code;
    private final String suffix;

    SharedStateKind(final int code, final String suffix)
    {
        this.code = code;
        this.suffix = suffix;
    }

    /**
     * The code written into the header.
     *
     * @return the code, never 0.
     */
    public int code()
    {
        return code;
    }

    /**
     * The file name suffix, e.g. {@code .breaker}.
     *
     * @return the suffix with its dot.
     */
    public String suffix()
    {
        return suffix;
    }

    /**
     * The kind of a header code, for messages.
     *
     * @param code the code read from a header.
     * @return the kind's name, or {@code unknown(code)}.
     */
    public static String nameOf(final int code)
    {
        for (final SharedStateKind kind : values())
        {
            if (kind.code == code)
            {
                return kind.name();
            }
        }
        return "unknown(" + code + ")";
    }
}
