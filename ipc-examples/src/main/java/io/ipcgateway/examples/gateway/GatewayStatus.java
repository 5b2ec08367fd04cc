package io.ipcgateway.examples.gateway;

/**
 * The outcome of a gateway operation, as the local client sees it: {@link #OK}, an error status the gateway sent
 * (through {@code ClientSession.respondError}, its {@link #code()} on the wire), or a status the client library found
 * itself before or instead of an answer ({@link #LOCAL_TIMEOUT}, {@link #GATEWAY_UNAVAILABLE},
 * {@link #BACK_PRESSURED}). Client code can switch on it; {@link GatewayException#status()} carries it.
 */
public enum GatewayStatus
{
    /** Done: published, acknowledged, answered or subscribed. */
    OK(0),
    /** The subject (or subscription pattern) breaks the NATS subject rules or is longer than allowed. */
    INVALID_SUBJECT(400),
    /** No NATS responder listens on the request's subject. */
    NO_RESPONDERS(404),
    /** The gateway is shutting down: it takes no new work. */
    SHUTTING_DOWN(410),
    /** The payload (or the whole frame) is larger than the gateway accepts. */
    PAYLOAD_TOO_LARGE(413),
    /** The frame could not be decoded (wrong lengths, unknown type id, bad headers). */
    MALFORMED_FRAME(422),
    /** The local client, or the host in total, is over its configured rate. */
    RATE_LIMITED(429),
    /** Something unexpected failed in the gateway; its log says what. */
    INTERNAL(500),
    /** NATS is not connected (down, reconnecting, or refused the operation). */
    NATS_UNAVAILABLE(502),
    /** The circuit breaker of the subject's downstream is open: failed fast without trying NATS. */
    BREAKER_OPEN(503),
    /** NATS (a responder or JetStream) did not answer within the timeout. */
    NATS_TIMEOUT(504),
    /** The bulkhead of the subject's downstream has no free slot. */
    BULKHEAD_FULL(507),
    /** NATS is unavailable and the local publish spool is full. */
    SPOOL_FULL(509),
    /** Client side: no answer from the gateway within the local timeout. */
    LOCAL_TIMEOUT(1408),
    /** Client side: the gateway process is not connected (gone, restarting, or the client is closed). */
    GATEWAY_UNAVAILABLE(1502),
    /** Client side: the gateway's inbox is full or too many requests are in flight; nothing was sent. */
    BACK_PRESSURED(1503);

    private static final GatewayStatus[] VALUES = values();

    private final int code;

    GatewayStatus(final int code)
    {
        this.code = code;
    }

    /**
     * The status code on the wire (the error status of the response); 0 for {@link #OK}.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether this is {@link #OK}.
     *
     * @return true for {@link #OK}.
     */
    public boolean isOk()
    {
        return this == OK;
    }

    /**
     * The status of a wire code.
     *
     * @param code a code sent by the gateway.
     * @return its status, or {@link #INTERNAL} for a code this version does not know.
     */
    public static GatewayStatus fromCode(final int code)
    {
        for (final GatewayStatus status : VALUES)
        {
            if (status.code == code)
            {
                return status;
            }
        }
        return INTERNAL;
    }
}
