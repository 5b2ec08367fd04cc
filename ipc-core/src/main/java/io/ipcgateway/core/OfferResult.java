package io.ipcgateway.core;

/**
 * Result codes returned by hot-path operations ({@code offer}, {@code tryClaim}, {@code request}, {@code push}).
 * <p>
 * A non-negative value is success; negative values are the expected outcomes listed here, returned rather than
 * thrown so the hot path never allocates an exception. Use {@link #describe(long)} to log a code.
 */
public final class OfferResult
{
    /** Success with no further information. Any non-negative value also means success. */
    public static final long OK = 0;

    /** The peer is not (or no longer) connected: nothing was sent. */
    public static final long NOT_CONNECTED = -1;

    /** The channel is full: nothing was sent, try again later (the peer is slower than the sender). */
    public static final long BACK_PRESSURED = -2;

    /** This side was closed: nothing was sent and nothing will be. */
    public static final long CLOSED = -3;

    /** The message is larger than the configured maximum message size (or claim limit): nothing was sent. */
    public static final long TOO_LARGE = -4;

    /** A request got no response within its timeout. */
    public static final long TIMED_OUT = -5;

    /**
     * An argument was invalid, e.g. a negative (reserved) type id, a negative offset or length, or an offset + length
     * beyond the source buffer's capacity: nothing was sent (and nothing claimed in the channel).
     */
    public static final long INVALID_ARGUMENT = -6;

    /** The peer process died or stopped its heartbeat: nothing was sent, in-flight requests failed. */
    public static final long PEER_DEAD = -7;

    private OfferResult()
    {
    }

    /**
     * Whether a code means success.
     *
     * @param code a code returned by a hot-path operation.
     * @return true when {@code code >= 0}.
     */
    public static boolean isSuccess(final long code)
    {
        return code >= 0;
    }

    /**
     * The optional throwing check of a code, for callers that prefer exceptions to codes (not for the hot path:
     * a failure allocates the exception).
     *
     * @param code      a code returned by a hot-path operation.
     * @param operation what was attempted, for the message, e.g. {@code "request to service=quotes"}.
     * @return {@code code} when it means success.
     * @throws RequestTimeoutException for {@link #TIMED_OUT}.
     * @throws PeerDeadException       for {@link #PEER_DEAD}.
     * @throws IpcException            for every other negative code, naming it.
     */
    public static long check(final long code, final String operation)
    {
        if (code >= 0)
        {
            return code;
        }
        final String message = operation + " failed: " + describe(code);
        if (code == TIMED_OUT)
        {
            throw new RequestTimeoutException(message);
        }
        if (code == PEER_DEAD)
        {
            throw new PeerDeadException(message);
        }
        throw new IpcException(message);
    }

    /**
     * A short, constant description of a code, for logs and error messages.
     *
     * @param code a code returned by a hot-path operation.
     * @return its name, e.g. {@code "BACK_PRESSURED"}, or {@code "OK"} for any non-negative value.
     */
    public static String describe(final long code)
    {
        if (code >= 0)
        {
            return "OK";
        }
        switch ((int)code)
        {
            case (int)NOT_CONNECTED:
                return "NOT_CONNECTED";
            case (int)BACK_PRESSURED:
                return "BACK_PRESSURED";
            case (int)CLOSED:
                return "CLOSED";
            case (int)TOO_LARGE:
                return "TOO_LARGE";
            case (int)TIMED_OUT:
                return "TIMED_OUT";
            case (int)INVALID_ARGUMENT:
                return "INVALID_ARGUMENT";
            case (int)PEER_DEAD:
                return "PEER_DEAD";
            default:
                return "UNKNOWN(" + code + ")";
        }
    }
}
