package io.ipcgateway.examples;

/**
 * The message types the echo server and the load client agree on (the transport's application type ids).
 */
public final class EchoProtocol
{
    /** A one-way message: the server counts it per client session and otherwise ignores it. */
    public static final int MESSAGE_TYPE_ID = 1;

    /** A request the server answers with the same bytes and type id. */
    public static final int ECHO_TYPE_ID = 2;

    /**
     * A request, with no payload, for the number of one-way messages the server received from this client's
     * session so far; the answer is one {@code long} ({@link #COUNT_LENGTH} bytes, little-endian) at offset 0.
     */
    public static final int COUNT_TYPE_ID = 3;

    /** Length of the answer to {@link #COUNT_TYPE_ID}. */
    public static final int COUNT_LENGTH = Long.BYTES;

    private EchoProtocol()
    {
    }
}
