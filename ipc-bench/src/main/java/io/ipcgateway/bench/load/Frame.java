package io.ipcgateway.bench.load;

/**
 * The layout of every message the harness sends, whatever the transport; the rest of a message up to the run's
 * size is padding.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Timestamp (System.nanoTime of the sender)          |
 *  |                  0 when the message is not timed              |
 *  +---------------------------------------------------------------+
 *  |                           Client id                           |
 *  +---------------------------------------------------------------+
 *  |                        Type (DATA, HELLO)                     |
 *  +---------------------------------------------------------------+
 *  |                         Padding ...                          ...
 * </pre>
 * The timestamp is {@link System#nanoTime()}, which on Linux reads the monotonic clock shared by every process of
 * one boot, so a receiver in another JVM can subtract it from its own reading.
 */
public final class Frame
{
    /** Offset of the sender's timestamp. */
    public static final int TIMESTAMP_OFFSET = 0;
    /** Offset of the client id. */
    public static final int CLIENT_ID_OFFSET = 8;
    /** Offset of the message type. */
    public static final int TYPE_OFFSET = 12;
    /** Length of the header; the smallest message the harness sends. */
    public static final int HEADER_LENGTH = 16;
    /** A measured message. */
    public static final int TYPE_DATA = 0;
    /** A client's first message; the server sets up its reply path and answers. */
    public static final int TYPE_HELLO = 1;

    private Frame()
    {
    }
}
